using System.Net;
using Fjord.Protocol;

namespace Fjord.Broker.Network;

/// <summary>
/// A connection over any duplex stream: what an SslStream (or a SASL wrapper) will be. A file region is read
/// into a pooled buffer and written through the stream, since encryption needs the bytes in user space anyway.
/// A transport that has a handshake should do it in its first receive, so the idle rule bounds a slow one.
/// <paramref name="expectBytes"/> passes the bytes a frame still needs to whatever can use the hint below the stream.
/// </summary>
public sealed class StreamTransport(Stream stream, EndPoint? remoteEndPoint, Action<int>? expectBytes = null) : IConnectionTransport
{
    private int _closed;

    public EndPoint? RemoteEndPoint { get; } = remoteEndPoint;

    public ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken ct) => stream.ReadAsync(buffer, ct);

    public void ExpectBytes(int bytes) => expectBytes?.Invoke(bytes);

    public async ValueTask SendAsync(ReadOnlyMemory<byte> data, CancellationToken ct)
    {
        await stream.WriteAsync(data, ct);
        await stream.FlushAsync(ct);
    }

    public async ValueTask SendFileAsync(FileStream file, long offset, int count, CancellationToken ct)
    {
        FileRegion.Validate(file, offset, count);
        if (count == 0) return;
        await FileRegion.CopyAsync(file, offset, count, stream.WriteAsync, ct);
        await stream.FlushAsync(ct);
    }

    public async ValueTask SendFrameAsync(ResponseBuffer frame, CancellationToken ct)
    {
        foreach (var (bytes, records) in frame.Parts)
        {
            if (records is null) await stream.WriteAsync(bytes, ct);
            else await FileRegion.CopyAsync(records.File, records.FilePosition, records.Length, stream.WriteAsync, ct);
        }
        await stream.FlushAsync(ct);
    }

    public void Abort()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0) return;
        stream.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0) return;
        await stream.DisposeAsync();
    }
}
