namespace Fjord.Broker.Quotas;

/// <summary>
/// A rate over a sampled window, Kafka's way (its Rate over SampledStat): <c>quota.window.num</c> samples of
/// <c>quota.window.size.seconds</c> each; a sample starts with the first value recorded after the previous one has
/// run its length, and a sample older than the whole window no longer counts. The rate divides what the live samples
/// hold by the time since the oldest began, but never by less than (samples − 1) windows, so a client's first burst
/// is measured against nearly the whole window rather than the few milliseconds it took.
/// </summary>
internal sealed class QuotaSensor
{
    private readonly Lock _lock = new();
    private readonly double[] _starts;
    private readonly double[] _values;
    private readonly double _windowMs;
    private int _current;

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
            if (nowMs - _starts[_current] >= _windowMs)
            {
                _current = (_current + 1) % _starts.Length;
                _starts[_current] = nowMs;
                _values[_current] = 0;
            }
            _values[_current] += value;
            LastRecordMs = nowMs;
            return RateLocked(nowMs, out _);
        }
    }

    /// <summary>Takes back a value recorded just before (a response that was not sent after all).</summary>
    public void Unrecord(double value)
    {
        lock (_lock)
            _values[_current] = Math.Max(0, _values[_current] - value);
    }

    /// <summary>The rate per second now, and the window it is measured over (ms).</summary>
    public double Rate(double nowMs, out double windowMs)
    {
        lock (_lock)
            return RateLocked(nowMs, out windowMs);
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
