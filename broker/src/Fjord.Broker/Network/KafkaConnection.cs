using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Fjord.Broker.Configuration;
using Fjord.Broker.Server;
using Fjord.Protocol;
using Microsoft.Extensions.Logging;

namespace Fjord.Broker.Network;

/// <summary>
/// One client socket. Reads size-prefixed frames into a connection-owned buffer (the only
/// copy of request bytes: produce payloads are appended to the log straight from it) and
/// handles them one at a time, as Kafka does by muting a channel while its request is in
/// flight, so responses leave in request order.
/// </summary>
public sealed partial class KafkaConnection : IDisposable
{
    private const int InitialBufferBytes = 64 * 1024;

    private readonly Socket _socket;
    private readonly RequestDispatcher _dispatcher;
    private readonly int _maxRequestBytes;
    private readonly ILogger _logger;
    private readonly ResponseBuffer _response = new(InitialBufferBytes);
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(InitialBufferBytes);
    private SendFileOperation? _sendFile;
    private static long _bytesSentFromFiles;
    private int _start;
    private int _end;

    public KafkaConnection(long id, Socket socket, ListenerEndpoint listener, RequestDispatcher dispatcher, int maxRequestBytes, ILogger logger)
    {
        Id = id;
        _socket = socket;
        _dispatcher = dispatcher;
        _maxRequestBytes = maxRequestBytes;
        _logger = logger;
        Session = new ClientSession(id, listener, (socket.RemoteEndPoint as IPEndPoint)?.Address ?? IPAddress.None);
    }

    public long Id { get; }

    /// <summary>Record bytes sent straight from segment files by sendfile, by every connection of this process.</summary>
    public static long BytesSentFromFiles => Interlocked.Read(ref _bytesSentFromFiles);

    public ClientSession Session { get; }

    public async Task RunAsync(CancellationToken stopping)
    {
        try
        {
            while (!stopping.IsCancellationRequested)
            {
                if (!await EnsureBufferedAsync(4, stopping)) return;
                var size = BinaryPrimitives.ReadInt32BigEndian(_buffer.AsSpan(_start, 4));
                if (size <= 0 || size > _maxRequestBytes)
                {
                    // A frame whose length cannot be trusted leaves no way to find the next one.
                    LogBadFrameSize(Id, size);
                    return;
                }
                if (!await EnsureBufferedAsync(4 + size, stopping)) return;
                var frame = _buffer.AsMemory(_start + 4, size);
                _response.Reset();
                var outcome = await _dispatcher.HandleAsync(frame, Session, _response, stopping);
                _start += 4 + size;
                if (!_response.IsEmpty) await SendResponseAsync(stopping);
                if (outcome == DispatchOutcome.CloseConnection) return;
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested) { }
        catch (SocketException) { }
        catch (ObjectDisposedException) { }
        catch (IOException) { }
        catch (Exception e)
        {
            // Anything unexpected costs this connection only; every other one carries on.
            LogConnectionFailed(e, Id);
        }
        finally
        {
            try { _socket.Shutdown(SocketShutdown.Both); } catch (SocketException) { } catch (ObjectDisposedException) { }
        }
    }

    /// <summary>Sends the frame in order: encoded bytes with send, spliced file regions with sendfile.</summary>
    private async ValueTask SendResponseAsync(CancellationToken ct)
    {
        foreach (var (bytes, records) in _response.Parts)
        {
            if (records is null) await SendAsync(bytes, ct);
            else await SendFileAsync(records, ct);
        }
        _response.Reset();
    }

    private async ValueTask SendFileAsync(FileRecords records, CancellationToken ct)
    {
        _sendFile ??= new SendFileOperation();
        await _sendFile.SendAsync(_socket, records.File, records.FilePosition, records.Length, ct);
        Interlocked.Add(ref _bytesSentFromFiles, records.Length);
    }

    private async ValueTask SendAsync(ReadOnlyMemory<byte> data, CancellationToken ct)
    {
        while (!data.IsEmpty)
        {
            var sent = await _socket.SendAsync(data, SocketFlags.None, ct);
            data = data[sent..];
        }
    }

    /// <summary>Makes sure <paramref name="count"/> bytes from <c>_start</c> are buffered; false at end of stream.</summary>
    private async ValueTask<bool> EnsureBufferedAsync(int count, CancellationToken ct)
    {
        if (_end - _start >= count) return true;
        if (_start == _end) _start = _end = 0;
        if (_start + count > _buffer.Length)
        {
            var target = count > _buffer.Length ? RentLarger(count) : _buffer;
            var pending = _end - _start;
            Buffer.BlockCopy(_buffer, _start, target, 0, pending);
            if (!ReferenceEquals(target, _buffer)) ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = target;
            _start = 0;
            _end = pending;
        }
        while (_end - _start < count)
        {
            var read = await _socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, ct);
            if (read == 0) return false;
            _end += read;
        }
        return true;
    }

    private static byte[] RentLarger(int count) => ArrayPool<byte>.Shared.Rent(Math.Max(count, InitialBufferBytes));

    public void Abort()
    {
        try { _socket.Close(0); } catch (ObjectDisposedException) { }
    }

    public void Dispose()
    {
        _socket.Dispose();
        _response.Dispose();
        _sendFile?.Dispose();
        var buffer = Interlocked.Exchange(ref _buffer, []);
        if (buffer.Length > 0) ArrayPool<byte>.Shared.Return(buffer);
    }

    [LoggerMessage(EventId = 1101, Level = LogLevel.Warning, Message = "Connection {ConnectionId}: frame size {Size} out of range; closing")]
    private partial void LogBadFrameSize(long connectionId, int size);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Error, Message = "Connection {ConnectionId} failed; closing it")]
    private partial void LogConnectionFailed(Exception exception, long connectionId);
}
