using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Fjord.Broker.Tests.Observability;

/// <summary>
/// Listens to one <see cref="Meter"/> instance (not every meter of that name in the process): sums what its
/// counters record, and collects its observable gauges on demand, as an exporter's scrape would.
/// </summary>
public sealed class MetricsRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<MetricSample> _counted = new();
    private readonly Lock _collecting = new();
    private List<MetricSample>? _collected;

    public MetricsRecorder(Meter meter)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter, meter)) listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var sample = new MetricSample(instrument.Name, value, ToDictionary(tags));
            if (instrument.IsObservable) _collected?.Add(sample);
            else _counted.Enqueue(sample);
        });
        _listener.Start();
    }

    /// <summary>One collection of every observable instrument; the samples of <paramref name="instrument"/>.</summary>
    public IReadOnlyList<MetricSample> Collect(string instrument)
    {
        lock (_collecting)
        {
            _collected = [];
            _listener.RecordObservableInstruments();
            var samples = _collected.Where(s => s.Instrument == instrument).ToList();
            _collected = null;
            return samples;
        }
    }

    /// <summary>What <paramref name="instrument"/> (a counter) has recorded so far under attributes that <paramref name="match"/>.</summary>
    public long Sum(string instrument, Func<IReadOnlyDictionary<string, object?>, bool> match) =>
        _counted.Where(s => s.Instrument == instrument && match(s.Tags)).Sum(s => s.Value);

    /// <summary>Every attribute set <paramref name="instrument"/> (a counter) has recorded under.</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, object?>> TagSets(string instrument) =>
        [.. _counted.Where(s => s.Instrument == instrument).Select(s => s.Tags)];

    private static Dictionary<string, object?> ToDictionary(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var dictionary = new Dictionary<string, object?>(tags.Length, StringComparer.Ordinal);
        foreach (var (key, value) in tags) dictionary[key] = value;
        return dictionary;
    }

    public void Dispose() => _listener.Dispose();
}
