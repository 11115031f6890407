namespace Fjord.Perf.Failover;

/// <summary>
/// Named sets of the settings that trade failover time against Table storage traffic (Kafka's names
/// where Kafka has one). "default" overrides nothing, so it measures what an operator gets.
/// </summary>
internal static class FailoverKnobs
{
    public static IReadOnlyDictionary<string, string> Default { get; } = new Dictionary<string, string>();

    /// <summary>The settings the cluster tests run with (FjordTestClusterOptions.FastFailover).</summary>
    public static IReadOnlyDictionary<string, string> Fast { get; } = new Dictionary<string, string>
    {
        ["broker.heartbeat.interval.ms"] = "500",
        ["broker.session.timeout.ms"] = "3000",
        ["fjord.controller.tick.ms"] = "250",
        ["fjord.metadata.poll.interval.ms"] = "250",
        ["replica.lag.time.max.ms"] = "3000",
    };

    public static IEnumerable<(string Name, IReadOnlyDictionary<string, string> Settings)> Selected(string choice) => choice switch
    {
        "default" => [("default", Default)],
        "fast" => [("fast", Fast)],
        _ => [("default", Default), ("fast", Fast)],
    };
}
