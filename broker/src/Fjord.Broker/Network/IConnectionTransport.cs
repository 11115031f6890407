using System.Net;
using Fjord.Protocol;

namespace Fjord.Broker.Network;

/// <summary>
/// The byte pipe under one Kafka connection. <see cref="KafkaConnection"/> reads and writes only through
/// this, so a plain socket and a TLS stream (or SASL-wrapped stream) share one framing, limit and idle path.
/// </summary>
public interface IConnectionTransport : IAsyncDisposable
{
    EndPoint? RemoteEndPoint { get; }

    /// <summary>Reads what has arrived (at least one byte), or returns 0 once the peer has closed its side.</summary>
    ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken ct);

    /// <summary>
    /// The frame being read still needs <paramref name="bytes"/> more bytes (beyond what the caller has buffered): a
    /// transport may let the next receive wait until about that many have arrived rather than return each segment.
    /// </summary>
    void ExpectBytes(int bytes);

    /// <summary>Writes all of <paramref name="data"/>.</summary>
    ValueTask SendAsync(ReadOnlyMemory<byte> data, CancellationToken ct);

    /// <summary>
    /// Writes <paramref name="count"/> bytes of <paramref name="file"/> from <paramref name="offset"/>, without
    /// moving the stream's position: a fetch answers with a region of a log segment, as Kafka's FileRecords do.
    /// A file shorter than the region fails the send, since the response header already promised the bytes.
    /// </summary>
    ValueTask SendFileAsync(FileStream file, long offset, int count, CancellationToken ct);

    /// <summary>
    /// Writes a whole response frame: its encoded bytes and its spliced file regions, in order. A socket hands
    /// the frame to the kernel as one operation (bytes and sendfile regions together); a stream copies the
    /// regions through user space once.
    /// </summary>
    ValueTask SendFrameAsync(ResponseBuffer frame, CancellationToken ct);

    /// <summary>Closes at once; a receive or send in flight fails. Safe to call from any thread, more than once.</summary>
    void Abort();
}
