namespace Fjord.Broker.Tests.Observability;

/// <summary>One measurement a <see cref="MetricsRecorder"/> saw.</summary>
public sealed record MetricSample(string Instrument, long Value, IReadOnlyDictionary<string, object?> Tags)
{
    public object? this[string tag] => Tags.TryGetValue(tag, out var value) ? value : null;
}
