namespace Fjord.Perf.Groups;

/// <summary>Every round plus the median and max of the leave (Stable) and rejoin times.</summary>
internal sealed record RebalanceSummary(
    string Topic,
    string Group,
    int Partitions,
    int Members,
    double InitialJoinMs,
    IReadOnlyList<RebalanceRound> Rounds,
    double LeaveMedianMs,
    double LeaveMaxMs,
    double RejoinMedianMs,
    double RejoinMaxMs)
{
    public static RebalanceSummary From(string topic, string group, int partitions, int members, double initialJoinMs, IReadOnlyList<RebalanceRound> rounds) => new(
        topic,
        group,
        partitions,
        members,
        initialJoinMs,
        rounds,
        LeaveMedianMs: Median(rounds.Select(r => r.StableMs)),
        LeaveMaxMs: rounds.Count == 0 ? 0 : rounds.Max(r => r.StableMs),
        RejoinMedianMs: Median(rounds.Select(r => r.RejoinMs)),
        RejoinMaxMs: rounds.Count == 0 ? 0 : rounds.Max(r => r.RejoinMs));

    /// <summary>The middle value; the mean of the two middle values for an even count; 0 for none.</summary>
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
            return 0;
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
