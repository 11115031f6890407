using System.Buffers.Binary;

namespace Fjord.Cluster;

/// <summary>
/// A bounded history of (time, offset) samples of one offset that only grows (a high watermark, a committed
/// offset), oldest first, kept so that a reader can derive a rate and interpolate when an offset was reached.
/// </summary>
/// <remarks>
/// A sample is added only when the offset moved, so an idle partition costs nothing and the newest sample says
/// when the offset first reached its current value. Samples closer than <c>minSpacingMs</c> to the one before
/// the newest replace the newest instead of adding one, so bursts of commits do not crowd the history out.
/// When full, the interior sample whose removal leaves the smallest gap is dropped (the first and the newest
/// are never dropped): the history keeps spanning back to its first sample, dense where it is recent and
/// thinned where it is old, like kafka-lag-exporter's lookup table. Interpolating between two samples is
/// accurate to the gap between them. Stored as 16 bytes a sample (two little-endian longs) in one binary column.
/// Not thread-safe: each history has one writer.
/// </remarks>
public sealed class SampleHistory
{
    public const int BytesPerSample = 16;

    private readonly LogSample[] _samples;
    private readonly long _minSpacingMs;
    private int _count;

    public SampleHistory(int capacity, long minSpacingMs)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 3);
        ArgumentOutOfRangeException.ThrowIfNegative(minSpacingMs);
        _samples = new LogSample[capacity];
        _minSpacingMs = minSpacingMs;
    }

    public int Count => _count;

    public int Capacity => _samples.Length;

    public ReadOnlySpan<LogSample> Samples => _samples.AsSpan(0, _count);

    public LogSample? Newest => _count == 0 ? null : _samples[_count - 1];

    /// <summary>Records that the offset had reached <paramref name="offset"/> by <paramref name="timeMs"/>; false when nothing changed.</summary>
    /// <remarks>A lower offset than the newest (a log truncated, an offset reset by the group) restarts the history: rates across it mean nothing.</remarks>
    public bool Add(long timeMs, long offset)
    {
        if (_count > 0)
        {
            var newest = _samples[_count - 1];
            if (offset == newest.Offset) return false;
            if (offset < newest.Offset || timeMs < newest.TimeMs) _count = 0;
        }

        if (_count >= 2 && timeMs - _samples[_count - 2].TimeMs < _minSpacingMs)
        {
            _samples[_count - 1] = new LogSample(timeMs, offset);
            return true;
        }

        if (_count == _samples.Length) RemoveSmallestGap();
        _samples[_count++] = new LogSample(timeMs, offset);
        return true;
    }

    /// <summary>Replaces the history with <paramref name="samples"/> (oldest first; the newest ones kept if there are too many).</summary>
    public void Reset(ReadOnlySpan<LogSample> samples)
    {
        _count = 0;
        foreach (var sample in samples)
        {
            if (_count > 0 && (sample.Offset <= _samples[_count - 1].Offset || sample.TimeMs < _samples[_count - 1].TimeMs)) continue;
            if (_count == _samples.Length) RemoveSmallestGap();
            _samples[_count++] = sample;
        }
    }

    /// <summary>The samples as the binary column holds them.</summary>
    public byte[] Encode() => Encode(Samples);

    public static byte[] Encode(ReadOnlySpan<LogSample> samples)
    {
        var bytes = new byte[samples.Length * BytesPerSample];
        for (var i = 0; i < samples.Length; i++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(i * BytesPerSample), samples[i].TimeMs);
            BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(i * BytesPerSample + 8), samples[i].Offset);
        }
        return bytes;
    }

    /// <summary>Decodes a column written by <see cref="Encode()"/>; a trailing partial sample (a foreign writer) is ignored.</summary>
    public static LogSample[] Decode(ReadOnlySpan<byte> bytes)
    {
        var samples = new LogSample[bytes.Length / BytesPerSample];
        for (var i = 0; i < samples.Length; i++)
        {
            samples[i] = new LogSample(
                BinaryPrimitives.ReadInt64LittleEndian(bytes[(i * BytesPerSample)..]),
                BinaryPrimitives.ReadInt64LittleEndian(bytes[(i * BytesPerSample + 8)..]));
        }
        return samples;
    }

    private void RemoveSmallestGap()
    {
        // Interior samples only, and never the one before the newest: the newest pair is what the current rate is read from.
        var victim = -1;
        var smallest = long.MaxValue;
        for (var i = 1; i < _count - 2; i++)
        {
            var gap = _samples[i + 1].TimeMs - _samples[i - 1].TimeMs;
            if (gap < smallest)
            {
                smallest = gap;
                victim = i;
            }
        }
        if (victim < 0) victim = 1;
        Array.Copy(_samples, victim + 1, _samples, victim, _count - victim - 1);
        _count--;
    }
}
