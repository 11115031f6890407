using System.Diagnostics;

namespace Fjord.Perf.Reporting;

/// <summary>
/// Kafka's perf-test progress line: every 5 s, the records, rate and latency of the last window.
/// Owned by a single thread (the delivery-report thread for produce, the poll loop for consume),
/// so it needs no synchronisation.
/// </summary>
internal sealed class ProgressWindow(string verb, bool withLatency)
{
    private static readonly long WindowTicks = 5 * Stopwatch.Frequency;
    private long _windowStart = Stopwatch.GetTimestamp();
    private long _records;
    private long _bytes;
    private long _latencySumTicks;
    private long _latencyMaxTicks;

    public void Record(long bytes, long latencyTicks, long now)
    {
        _records++;
        _bytes += bytes;
        _latencySumTicks += latencyTicks;
        if (latencyTicks > _latencyMaxTicks)
            _latencyMaxTicks = latencyTicks;

        if (now - _windowStart >= WindowTicks)
            Flush(now);
    }

    private void Flush(long now)
    {
        var seconds = (now - _windowStart) / (double)Stopwatch.Frequency;
        var line = $"{_records} records {verb}, {_records / seconds:0.0} records/sec ({Units.MiB(_bytes) / seconds:0.00} MB/sec)";
        if (withLatency)
        {
            line += $", {Units.TicksToMs(_latencySumTicks / (double)_records):0.0} ms avg latency, " +
                    $"{Units.TicksToMs(_latencyMaxTicks):0.0} ms max latency";
        }

        Console.Error.WriteLine(line + ".");
        _windowStart = now;
        _records = 0;
        _bytes = 0;
        _latencySumTicks = 0;
        _latencyMaxTicks = 0;
    }
}
