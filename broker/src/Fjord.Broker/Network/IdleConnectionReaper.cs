using Microsoft.Extensions.Logging;

namespace Fjord.Broker.Network;

/// <summary>
/// Kafka's connections.max.idle.ms: one timer for the whole server closes every connection that has not
/// completed a request (or a response) for that long. A connection whose request a handler is working on
/// is never idle, however long the handler waits.
/// </summary>
internal sealed partial class IdleConnectionReaper : IAsyncDisposable
{
    private readonly Func<IEnumerable<KafkaConnection>> _connections;
    private readonly TimeSpan _maxIdle;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ITimer _timer;
    private long _closed;

    public IdleConnectionReaper(Func<IEnumerable<KafkaConnection>> connections, TimeSpan maxIdle, TimeProvider time, ILogger logger)
    {
        _connections = connections;
        _maxIdle = maxIdle;
        _time = time;
        _logger = logger;
        _timer = time.CreateTimer(_ => Reap(), null, CheckInterval(maxIdle), CheckInterval(maxIdle));
    }

    /// <summary>Connections closed for idleness so far.</summary>
    public long ClosedCount => Interlocked.Read(ref _closed);

    /// <summary>
    /// A tenth of the limit, between 10 ms and 1 s: a connection lives at most 10% past its limit, and the
    /// scan (a pass over every connection) runs at most once a second at the default of ten minutes.
    /// </summary>
    internal static TimeSpan CheckInterval(TimeSpan maxIdle) =>
        TimeSpan.FromTicks(Math.Clamp(maxIdle.Ticks / 10, TimeSpan.FromMilliseconds(10).Ticks, TimeSpan.FromSeconds(1).Ticks));

    internal void Reap()
    {
        var now = _time.GetTimestamp();
        foreach (var connection in _connections())
        {
            if (connection.IsBusy) continue;
            var idle = _time.GetElapsedTime(connection.LastActivityTimestamp, now);
            if (idle < _maxIdle || !connection.TryBeginClose()) continue;
            Interlocked.Increment(ref _closed);
            LogIdleClose(connection.Id, connection.Session.RemoteAddress.ToString(), (long)idle.TotalMilliseconds);
            connection.Abort();
        }
    }

    public ValueTask DisposeAsync() => _timer.DisposeAsync();

    [LoggerMessage(EventId = 1010, Level = LogLevel.Debug, Message = "Closing connection {ConnectionId} from {RemoteAddress}: no complete request for {IdleMs} ms (connections.max.idle.ms)")]
    private partial void LogIdleClose(long connectionId, string remoteAddress, long idleMs);
}
