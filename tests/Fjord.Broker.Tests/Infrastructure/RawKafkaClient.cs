using System.Buffers.Binary;
using System.Net.Sockets;
using Fjord.Protocol;

namespace Fjord.Broker.Tests.Infrastructure;

/// <summary>
/// A bare Kafka protocol client over one socket: encodes requests with the generated codecs at
/// an exact version, or sends hand-made (hostile) bytes, and reads response frames back.
/// Plaintext over the socket's stream, or TLS over an SslStream (<see cref="ConnectTlsAsync"/>).
/// </summary>
public sealed partial class RawKafkaClient : IAsyncDisposable
{
    private readonly Stream _stream;
    private int _correlationId;

    private RawKafkaClient(Stream stream) => _stream = stream;

    public static async Task<RawKafkaClient> ConnectAsync(string bootstrap)
    {
        var colon = bootstrap.LastIndexOf(':');
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(bootstrap[..colon], int.Parse(bootstrap[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture));
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        return new RawKafkaClient(new NetworkStream(socket, ownsSocket: true));
    }

    /// <summary>Encodes a request (header and body) as a complete size-prefixed frame.</summary>
    public static byte[] Encode(IKafkaMessage request, short version, int correlationId, string? clientId = "raw-test")
    {
        using var buffer = new PooledBufferWriter();
        RequestFrame.Write(buffer, request, version, correlationId, clientId);
        return buffer.WrittenSpan.ToArray();
    }

    public async Task<TResponse> SendAsync<TResponse>(IKafkaMessage request, short version, TimeSpan? timeout = null)
        where TResponse : IKafkaMessage, new()
    {
        var correlationId = Interlocked.Increment(ref _correlationId);
        await SendRawAsync(Encode(request, version, correlationId));
        var frame = await ReadFrameAsync(timeout ?? TimeSpan.FromSeconds(30))
                    ?? throw new IOException($"connection closed instead of answering {request.ApiKey} v{version}");
        return Decode<TResponse>(frame, request.ApiKey, version, correlationId);
    }

    public static TResponse Decode<TResponse>(byte[] frame, ApiKey apiKey, short version, int expectedCorrelationId)
        where TResponse : IKafkaMessage, new()
    {
        var reader = new KafkaReader(frame);
        var header = new ResponseHeader();
        header.Read(ref reader, ApiMessages.ResponseHeaderVersion(apiKey, version));
        if (header.CorrelationId != expectedCorrelationId)
            throw new InvalidDataException($"correlation id {header.CorrelationId}, expected {expectedCorrelationId}");
        var response = new TResponse();
        response.Read(ref reader, version);
        if (reader.Remaining != 0) throw new InvalidDataException($"{reader.Remaining} trailing bytes after {apiKey} v{version} response");
        return response;
    }

    public async Task SendRawAsync(ReadOnlyMemory<byte> bytes)
    {
        await _stream.WriteAsync(bytes);
        await _stream.FlushAsync();
    }

    /// <summary>The next response frame without its size prefix, or null when the broker closed the connection.</summary>
    public async Task<byte[]?> ReadFrameAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var size = new byte[4];
        if (!await ReadExactlyAsync(size, cts.Token)) return null;
        var frame = new byte[BinaryPrimitives.ReadInt32BigEndian(size)];
        return await ReadExactlyAsync(frame, cts.Token) ? frame : null;
    }

    /// <summary>True when the broker closes the connection within the timeout without sending anything.</summary>
    public async Task<bool> IsClosedByBrokerAsync(TimeSpan timeout)
    {
        try
        {
            return await ReadFrameAsync(timeout) is null;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private async Task<bool> ReadExactlyAsync(Memory<byte> buffer, CancellationToken ct)
    {
        try
        {
            while (!buffer.IsEmpty)
            {
                var read = await _stream.ReadAsync(buffer, ct);
                if (read == 0) return false;
                buffer = buffer[read..];
            }
            return true;
        }
        catch (Exception e) when (e is SocketException or IOException or ObjectDisposedException)
        {
            // A reset or an aborted TLS session is the broker closing too.
            return false;
        }
    }

    public int NextCorrelationId() => Interlocked.Increment(ref _correlationId);

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _stream.DisposeAsync();
        }
        catch (IOException)
        {
            // An SslStream's close_notify to a broker that already hung up.
        }
    }
}
