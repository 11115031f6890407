using System.Text.Json;

namespace Fjord.Perf.NoisyNeighbour;

/// <summary>One answer of a <c>noisy-flood</c> child to "snapshot": its counters as one JSON line on stdout.</summary>
internal sealed record FloodSnapshotLine(
    long Attempts,
    long Refused,
    long Delivered,
    long Failed,
    long ThrottleCount,
    long ThrottleSumMs,
    long ThrottleMaxMs,
    string? FirstError)
{
    public static FloodSnapshotLine From(FloodCounters counters, string? firstError) => new(counters.Attempts, counters.Refused, counters.Delivered,
        counters.Failed, counters.Throttle.Count, counters.Throttle.SumMs, counters.Throttle.MaxMs, firstError);

    public static FloodSnapshotLine Parse(string line) =>
        JsonSerializer.Deserialize<FloodSnapshotLine>(line) ?? throw new InvalidOperationException($"noisy-flood answered '{line}'");

    public string ToJson() => JsonSerializer.Serialize(this);

    /// <summary>The counters as the parent sees them, stamped with the parent's clock when the answer arrived.</summary>
    public FloodCounters ToCounters(long timestamp) =>
        new(Attempts, Refused, Delivered, Failed, new ThrottleWindow(ThrottleCount, ThrottleSumMs, ThrottleMaxMs), timestamp);
}
