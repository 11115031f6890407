namespace Fjord.Broker.Tests.Observability;

/// <summary>One sample line of a Prometheus scrape.</summary>
public sealed record PrometheusSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);
