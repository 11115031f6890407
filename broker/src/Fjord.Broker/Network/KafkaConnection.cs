using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Fjord.Broker.Configuration;
using Fjord.Protocol;
using Microsoft.Extensions.Logging;

namespace Fjord.Broker.Network;

/// <summary>
/// One client connection over an <see cref="IConnectionTransport"/>. Reads size-prefixed frames into a
/// connection-owned buffer (the only copy of request bytes: produce payloads are appended to the log straight
/// from it) and handles them one at a time, as Kafka does by muting a channel while its request is in flight,
/// so responses leave in request order. Once authenticated, it reads the next request into a second buffer while
/// the current one is handled, so receiving (and decrypting) one produce request overlaps appending the one before;
/// the next is still not handled before the current response has gone. Tells the server's idle reaper when it last
/// did something useful.
/// </summary>
public sealed partial class KafkaConnection : IAsyncDisposable
{
    /// <summary>What an idle connection holds for requests; most Kafka requests fit, larger ones grow it.</summary>
    internal const int InitialReceiveBytes = 4 * 1024;

    /// <summary>A response writer past this is dropped after its send, so one big response is not held for the connection's life.</summary>
    internal const int RetainedResponseBytes = 64 * 1024;

    private const int InitialResponseBytes = 4 * 1024;

    private readonly IConnectionTransport _transport;
    private readonly RequestDispatcher _dispatcher;
    private readonly int _maxRequestBytes;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private ReceiveBuffer _received = new(InitialReceiveBytes);
    private ReceiveBuffer? _next;
    private ResponseBuffer? _response;
    private long _lastActivity;
    private int _busy;
    private int _closing;

    public KafkaConnection(long id, IConnectionTransport transport, ListenerEndpoint listener, RequestDispatcher dispatcher, int maxRequestBytes,
        TimeProvider time, ILogger logger)
        : this(id, transport, listener, ListenerSecurity.Plaintext, dispatcher, maxRequestBytes, time, logger)
    {
    }

    public KafkaConnection(long id, IConnectionTransport transport, ListenerEndpoint listener, ListenerSecurity security, RequestDispatcher dispatcher,
        int maxRequestBytes, TimeProvider time, ILogger logger)
    {
        Id = id;
        _transport = transport;
        _dispatcher = dispatcher;
        _maxRequestBytes = maxRequestBytes;
        _time = time;
        _logger = logger;
        _lastActivity = time.GetTimestamp();
        Session = new ClientSession(id, listener, (transport.RemoteEndPoint as IPEndPoint)?.Address ?? IPAddress.None, security);
    }

    public long Id { get; }

    public ClientSession Session { get; }

    /// <summary>Record bytes sent straight from segment files (sendfile on a plain socket), by every connection of this process.</summary>
    public static long BytesSentFromFiles => SocketTransport.TotalZeroCopyBytes;

    /// <summary>When a request last arrived whole or a response finished sending (a <see cref="TimeProvider"/> timestamp).</summary>
    internal long LastActivityTimestamp => Volatile.Read(ref _lastActivity);

    /// <summary>A handler is working on a request: a long-polling fetch or a JoinGroup wait is not idleness.</summary>
    internal bool IsBusy => Volatile.Read(ref _busy) != 0;

    /// <summary>Bytes of receive buffer this connection holds: its initial buffer, plus growth for a request arriving.</summary>
    internal int ReceiveBufferBytes => _received.Capacity + (_next?.Capacity ?? 0);

    public async Task RunAsync(CancellationToken stopping)
    {
        Task<bool>? readingNext = null;
        try
        {
            while (!stopping.IsCancellationRequested)
            {
                if (Session.MutedUntil != 0) await WaitOutThrottleAsync(stopping);
                if (!await _received.FillAsync(4, _transport, stopping)) return;
                var size = BinaryPrimitives.ReadInt32BigEndian(_received.Memory.Span);
                // Before authenticating, a SASL listener takes frames no larger than sasl.server.max.receive.size.
                var limit = Session.IsAuthenticated ? _maxRequestBytes : Math.Min(_maxRequestBytes, Session.Security.SaslServerMaxReceiveSize);
                if (size <= 0 || size > limit)
                {
                    // A frame whose length cannot be trusted leaves no way to find the next one.
                    LogBadFrameSize(Id, size);
                    return;
                }
                if (!await _received.FillAsync(4 + size, _transport, stopping)) return;

                // Only once authenticated: before, the next frame's size limit depends on how this request ends.
                readingNext = Session.IsAuthenticated ? ReadNextAsync(4 + size, stopping) : null;
                var outcome = await HandleAsync(size, trimHandled: readingNext is not null, stopping);
                if (outcome != DispatchOutcome.Continue) return;
                if (readingNext is null) continue;
                var open = await readingNext;
                readingNext = null;
                (_received, _next) = (_next!, _received);
                // The peer closed after this request: whatever it sent whole is still handled first.
                if (!open && _received.Buffered == 0) return;
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
            if (readingNext is not null) await StopReadingAsync(readingNext);
        }
    }

    /// <summary>
    /// Receives the request after the one in <see cref="_received"/>'s first <paramref name="current"/> bytes into the
    /// second buffer, whole (or as far as its size prefix if that is out of range: the run loop refuses it). False when
    /// the peer closed first.
    /// </summary>
    private async Task<bool> ReadNextAsync(int current, CancellationToken ct)
    {
        var next = _next ??= new ReceiveBuffer(InitialReceiveBytes);
        _received.MoveTail(current, next);
        if (!await next.FillAsync(4, _transport, ct)) return false;
        var size = BinaryPrimitives.ReadInt32BigEndian(next.Memory.Span);
        if (size <= 0 || size > _maxRequestBytes) return true;
        return await next.FillAsync(4 + size, _transport, ct);
    }

    /// <summary>The connection is ending with a receive in flight: close the transport under it and wait for it to let go of its buffer.</summary>
    private async Task StopReadingAsync(Task<bool> readingNext)
    {
        _transport.Abort();
        // WhenAny does not rethrow: the receive's failure (the closed transport, or what already ended the run) is expected.
        await Task.WhenAny(readingNext);
        _ = readingNext.Exception;
    }

    /// <param name="trimHandled">
    /// The next request is being read into the other buffer: this one waits empty for the request after next, so it gives
    /// its array back before the response goes out, and an idle connection holds one small buffer, not two, from the
    /// moment its client has the answer.
    /// </param>
    private async ValueTask<DispatchOutcome> HandleAsync(int size, bool trimHandled, CancellationToken ct)
    {
        // Only a whole request is activity: a client trickling bytes of one stays idle and is reaped.
        Touch();
        var response = _response ??= new ResponseBuffer(InitialResponseBytes);
        response.Reset();
        DispatchOutcome outcome;
        Volatile.Write(ref _busy, 1);
        try
        {
            outcome = await _dispatcher.HandleAsync(_received.Memory.Slice(4, size), Session, response, ct);
        }
        finally
        {
            Volatile.Write(ref _busy, 0);
        }
        _received.Consume(4 + size);
        if (trimHandled) _received.Trim();
        if (!response.IsEmpty)
        {
            await _transport.SendFrameAsync(response, ct);
            Touch();
        }
        // Releases the file regions the response held (their segments may be deleted now).
        response.Reset();
        if (response.Capacity > RetainedResponseBytes)
        {
            _response = null;
            response.Dispose();
        }
        return outcome;
    }

    /// <summary>KIP-219: a throttled client's next request is not read until its throttle time has passed.</summary>
    private async Task WaitOutThrottleAsync(CancellationToken ct)
    {
        var remaining = _time.GetElapsedTime(_time.GetTimestamp(), Session.MutedUntil);
        Session.MutedUntil = 0;
        if (remaining > TimeSpan.Zero) await Task.Delay(remaining, _time, ct);
    }

    private void Touch() => Volatile.Write(ref _lastActivity, _time.GetTimestamp());

    /// <summary>Closes the connection from outside (idle reaper, shutdown); the run loop ends with a failed receive.</summary>
    public void Abort() => _transport.Abort();

    /// <summary>
    /// True the first time only: a closed connection stays listed until its run loop has ended, and the
    /// reaper must not count or log it again meanwhile.
    /// </summary>
    internal bool TryBeginClose() => Interlocked.Exchange(ref _closing, 1) == 0;

    public async ValueTask DisposeAsync()
    {
        await _transport.DisposeAsync();
        _received.Dispose();
        _next?.Dispose();
        _response?.Dispose();
        _response = null;
    }

    [LoggerMessage(EventId = 1101, Level = LogLevel.Warning, Message = "Connection {ConnectionId}: frame size {Size} out of range; closing")]
    private partial void LogBadFrameSize(long connectionId, int size);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Error, Message = "Connection {ConnectionId} failed; closing it")]
    private partial void LogConnectionFailed(Exception exception, long connectionId);
}
