using Fjord.Broker.Configuration;
using Microsoft.Extensions.Logging;

namespace Fjord.Broker.Membership;

/// <summary>
/// Runs a storage call until storage answers, so a broker started before its Table storage (or during
/// an outage) waits and says what it waits for instead of crashing: start order must not matter.
/// </summary>
public sealed partial class StoreAvailability(TimeProvider time, ILogger<StoreAvailability> logger)
{
    private static readonly TimeSpan LogEvery = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(2);

    public async Task<T> UntilAvailableAsync<T>(string what, Func<CancellationToken, Task<T>> operation, CancellationToken ct)
    {
        var backoff = TimeSpan.FromMilliseconds(200);
        long? lastLogged = null;
        var failures = 0;
        while (true)
        {
            try
            {
                var result = await operation(ct);
                if (failures > 0) LogAvailable(what, failures);
                return result;
            }
            catch (Exception e) when (IsWaitable(e, ct))
            {
                failures++;
                if (lastLogged is null || time.GetElapsedTime(lastLogged.Value) >= LogEvery)
                {
                    LogWaiting(what, Describe(e));
                    lastLogged = time.GetTimestamp();
                }
            }
            await Task.Delay(backoff, time, ct);
            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
        }
    }

    public Task UntilAvailableAsync(string what, Func<CancellationToken, Task> operation, CancellationToken ct) =>
        UntilAvailableAsync<bool>(what, async token =>
        {
            await operation(token);
            return true;
        }, ct);

    /// <summary>Configuration mistakes are not outages: waiting would never end.</summary>
    private static bool IsWaitable(Exception e, CancellationToken ct) =>
        !(e is OperationCanceledException && ct.IsCancellationRequested) && e is not (ConfigException or ArgumentException);

    /// <summary>The innermost message: the SDK wraps "connection refused" in retries and aggregates.</summary>
    private static string Describe(Exception e)
    {
        while (e is AggregateException { InnerExceptions.Count: > 0 } aggregate) e = aggregate.InnerExceptions[^1];
        var innermost = e;
        while (innermost.InnerException is { } inner) innermost = inner;
        return innermost == e ? e.Message : $"{e.GetType().Name}: {innermost.Message}";
    }

    [LoggerMessage(EventId = 110, Level = LogLevel.Warning, Message = "Waiting for {What}: {Reason}")]
    private partial void LogWaiting(string what, string reason);

    [LoggerMessage(EventId = 111, Level = LogLevel.Information, Message = "{What} is reachable after {Failures} failed attempts; continuing")]
    private partial void LogAvailable(string what, int failures);
}
