using System.Buffers;
using System.Buffers.Binary;
using System.Net.Sockets;
using Fjord.Protocol;

namespace Fjord.Broker.Replication;

/// <summary>
/// One Kafka-protocol connection from this broker to another (replica fetch, transaction markers). Requests
/// go one at a time; a response frame lives in a pooled buffer until the caller disposes the
/// <see cref="BrokerResponse{T}"/>, so fetched records are appended straight from it. Runs over a plain
/// socket stream or a TLS stream; <see cref="InterBrokerConnector"/> sets up either and authenticates.
/// </summary>
public sealed class BrokerConnection : IAsyncDisposable
{
    private readonly Stream _stream;
    private readonly string _clientId;
    private int _correlationId;

    private BrokerConnection(Stream stream, string clientId)
    {
        _stream = stream;
        _clientId = clientId;
    }

    /// <summary>A plain TCP connection; <paramref name="secure"/> may wrap its stream (TLS) before any request.</summary>
    public static async Task<BrokerConnection> ConnectAsync(string host, int port, string clientId, TimeSpan timeout, CancellationToken ct,
        Func<Stream, CancellationToken, Task<Stream>>? secure = null)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        Stream? stream = null;
        try
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
            cts.CancelAfter(timeout);
            await socket.ConnectAsync(host, port, cts.Token);
            stream = new NetworkStream(socket, ownsSocket: true);
            if (secure is not null) stream = await secure(stream, cts.Token);
            return new BrokerConnection(stream, clientId);
        }
        catch
        {
            if (stream is not null) await stream.DisposeAsync();
            else socket.Dispose();
            throw;
        }
    }

    public async Task<BrokerResponse<TResponse>> SendAsync<TResponse>(IKafkaMessage request, short version, TimeSpan timeout, CancellationToken ct)
        where TResponse : IKafkaMessage, new()
    {
        var correlationId = ++_correlationId;
        using (var buffer = new PooledBufferWriter())
        {
            RequestFrame.Write(buffer, request, version, correlationId, _clientId);
            await SendAllAsync(buffer.WrittenMemory, ct);
        }

        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        var sizeBytes = new byte[4];
        await ReceiveExactlyAsync(sizeBytes, cts.Token);
        var size = BinaryPrimitives.ReadInt32BigEndian(sizeBytes);
        if (size < 4 || size > 512 * 1024 * 1024) throw new IOException($"response frame of {size} bytes from a broker");
        var frame = ArrayPool<byte>.Shared.Rent(size);
        try
        {
            await ReceiveExactlyAsync(frame.AsMemory(0, size), cts.Token);
            var reader = new KafkaReader(frame.AsMemory(0, size));
            var responseHeader = new ResponseHeader();
            responseHeader.Read(ref reader, ApiMessages.ResponseHeaderVersion(request.ApiKey, version));
            if (responseHeader.CorrelationId != correlationId)
                throw new IOException($"correlation id {responseHeader.CorrelationId}, expected {correlationId}");
            var response = new TResponse();
            response.Read(ref reader, version);
            return new BrokerResponse<TResponse>(response, frame);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(frame);
            throw;
        }
    }

    private async Task SendAllAsync(ReadOnlyMemory<byte> bytes, CancellationToken ct)
    {
        await _stream.WriteAsync(bytes, ct);
        await _stream.FlushAsync(ct);
    }

    private async Task ReceiveExactlyAsync(Memory<byte> buffer, CancellationToken ct)
    {
        while (!buffer.IsEmpty)
        {
            var read = await _stream.ReadAsync(buffer, ct);
            if (read == 0) throw new IOException("the broker closed the connection");
            buffer = buffer[read..];
        }
    }

    public ValueTask DisposeAsync() => _stream.DisposeAsync();
}
