namespace Fjord.Broker.Quotas;

/// <summary>
/// A rate over a sampled window, Kafka's way (its Rate over SampledStat): <c>quota.window.num</c> samples of
/// <c>quota.window.size.seconds</c> each; a sample starts with the first value recorded after the previous one has
/// run its length, and a sample older than the whole window no longer counts. The rate divides what the live samples
/// hold by the time since the oldest began, but never by less than (samples − 1) windows, so a client's first burst
/// is measured against nearly the whole window rather than the few milliseconds it took.
/// <para>
/// Throttling uses a token bucket over the same figures (KIP-599's TokenBucket): it holds (samples − 1) windows of the
/// quota, starts full, refills at the quota once the first (samples − 1) windows have passed, and a client owes the
/// time its deficit takes to refill. The sampled rate alone does not hold a client that always wants more to its
/// quota: a burst the window allowed is paid for with silence, and when the burst's sample ages out the whole window
/// is free again, so the burst comes back every window and the rate over any span that is not a whole number of
/// windows swings between about 70% and 110% of the quota. The bucket lets the first burst through just the same and
/// then holds such a client at the quota itself.
/// </para>
/// </summary>
internal sealed class QuotaSensor
{
    private readonly Lock _lock = new();
    private readonly double[] _starts;
    private readonly double[] _values;
    private readonly double _windowMs;
    private int _current;
    private double _tokens = double.NaN;
    private double _refilledMs;

    public QuotaSensor(int samples, double windowMs)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(samples, 2);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(windowMs, 0);
        _starts = new double[samples];
        _values = new double[samples];
        Array.Fill(_starts, double.NegativeInfinity);
        _windowMs = windowMs;
    }

    /// <summary>When a value was last recorded (ms on the manager's clock): idle sensors are dropped.</summary>
    public double LastRecordMs { get; private set; }

    /// <summary>Adds <paramref name="value"/> and returns the rate per second after it.</summary>
    public double Record(double value, double nowMs)
    {
        lock (_lock)
        {
            RecordLocked(value, nowMs);
            return RateLocked(nowMs, out _);
        }
    }

    /// <summary>
    /// Adds <paramref name="value"/> and returns how long (ms) the client must stay silent for the token bucket to be
    /// out of debt at <paramref name="quota"/> per second: 0 while it is not.
    /// </summary>
    public double RecordAndGetThrottleMs(double value, double nowMs, double quota)
    {
        lock (_lock)
        {
            RecordLocked(value, nowMs);
            var capacity = quota * (_starts.Length - 1) * _windowMs / 1000;
            if (double.IsNaN(_tokens))
            {
                // What the sampled rate allows a new client: (samples − 1) windows' worth in all until they have passed.
                _tokens = capacity;
                _refilledMs = nowMs + (_starts.Length - 1) * _windowMs;
            }
            else if (nowMs > _refilledMs)
            {
                _tokens += quota * (nowMs - _refilledMs) / 1000;
                _refilledMs = nowMs;
            }
            _tokens = Math.Min(_tokens, capacity) - value;
            return _tokens >= 0 ? 0 : -_tokens / quota * 1000;
        }
    }

    /// <summary>Takes back a value recorded just before (a response that was not sent after all).</summary>
    public void Unrecord(double value)
    {
        lock (_lock)
        {
            _values[_current] = Math.Max(0, _values[_current] - value);
            if (!double.IsNaN(_tokens)) _tokens += value;
        }
    }

    /// <summary>The rate per second now, and the window it is measured over (ms).</summary>
    public double Rate(double nowMs, out double windowMs)
    {
        lock (_lock)
            return RateLocked(nowMs, out windowMs);
    }

    private void RecordLocked(double value, double nowMs)
    {
        if (nowMs - _starts[_current] >= _windowMs)
        {
            _current = (_current + 1) % _starts.Length;
            _starts[_current] = nowMs;
            _values[_current] = 0;
        }
        _values[_current] += value;
        LastRecordMs = nowMs;
    }

    private double RateLocked(double nowMs, out double windowMs)
    {
        var total = 0d;
        var oldest = nowMs;
        var horizon = nowMs - _starts.Length * _windowMs;
        for (var i = 0; i < _starts.Length; i++)
        {
            if (_starts[i] <= horizon) continue;
            total += _values[i];
            oldest = Math.Min(oldest, _starts[i]);
        }
        windowMs = nowMs - oldest;
        var fullWindows = Math.Floor(windowMs / _windowMs);
        var minimum = _starts.Length - 1;
        if (fullWindows < minimum) windowMs += (minimum - fullWindows) * _windowMs;
        return total / (windowMs / 1000d);
    }
}
