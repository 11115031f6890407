using Fjord.Perf.Produce;

namespace Fjord.Perf.NoisyNeighbour;

/// <summary>
/// Per-record produce latency of one long-running steady producer, each record tagged with the phase it was sent
/// in (0: between phases, not measured), so one producer and one connection serve every phase and a phase's
/// numbers are those of the records sent inside its window. Preallocated: one slot, one tag and one state byte per
/// record, nothing allocated per send; each phase's records are copied out and sorted once, at the end.
/// </summary>
internal sealed class PhaseLatencies
{
    private const byte Pending = 0;
    private const byte Delivered = 1;
    private const byte Failed = 2;

    private readonly long[] _ticks;
    private readonly byte[] _phase;
    private readonly byte[] _state;

    public PhaseLatencies(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        _ticks = new long[capacity];
        _phase = new byte[capacity];
        _state = new byte[capacity];
    }

    public int Capacity => _ticks.Length;

    /// <param name="phase">0 for a record sent between phases; 1..255 names a measured phase.</param>
    public void MarkSent(int record, long timestamp, byte phase)
    {
        _ticks[record] = timestamp;
        _phase[record] = phase;
        _state[record] = Pending;
    }

    /// <returns>The record's latency in Stopwatch ticks.</returns>
    public long MarkDelivered(int record, long now)
    {
        var latency = now - _ticks[record];
        _ticks[record] = latency;
        _state[record] = Delivered;
        return latency;
    }

    public void MarkFailed(int record) => _state[record] = Failed;

    /// <summary>
    /// The phase's records among the first <paramref name="sent"/>: how many were sent, delivered and not delivered
    /// (failed, or no report yet), and the latency of the delivered ones.
    /// </summary>
    public PhaseLatency Summarize(byte phase, int sent)
    {
        var count = 0;
        var delivered = 0;
        for (var i = 0; i < sent; i++)
        {
            if (_phase[i] != phase)
                continue;
            count++;
            if (_state[i] == Delivered)
                delivered++;
        }

        var latencies = new long[delivered];
        var next = 0;
        for (var i = 0; i < sent && next < delivered; i++)
        {
            if (_phase[i] == phase && _state[i] == Delivered)
                latencies[next++] = _ticks[i];
        }

        Array.Sort(latencies);
        return new PhaseLatency(count, delivered, count - delivered, LatencyRecorder.FromSorted(latencies));
    }
}
