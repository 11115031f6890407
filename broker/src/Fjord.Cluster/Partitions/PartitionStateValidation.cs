using System.Globalization;

namespace Fjord.Cluster;

/// <summary>Checks shared by every store, so the fake refuses exactly what Table storage would.</summary>
internal static class PartitionStateValidation
{
    public static void Validate(PartitionState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        MetadataValidation.ValidateTopicName(state.Topic);
        ArgumentOutOfRangeException.ThrowIfNegative(state.Partition);
        ArgumentNullException.ThrowIfNull(state.Replicas);
        ArgumentNullException.ThrowIfNull(state.Isr);
        ArgumentOutOfRangeException.ThrowIfNegative(state.LeaderEpoch);
        ArgumentOutOfRangeException.ThrowIfNegative(state.PartitionEpoch);
        if (state.Replicas.Count == 0 || state.Replicas.Any(r => r < 0) || state.Replicas.Distinct().Count() != state.Replicas.Count)
            throw new ArgumentException($"{Name(state)} needs distinct non-negative replicas, not [{Join(state.Replicas)}].", nameof(state));
        if (state.Leader != PartitionState.NoLeader && !state.Replicas.Contains(state.Leader))
            throw new ArgumentException($"{Name(state)}: leader {state.Leader} is not one of the replicas [{Join(state.Replicas)}].", nameof(state));
        if (!IsValidIsr(state))
            throw new ArgumentException($"{Name(state)}: ISR [{Join(state.Isr)}] must be distinct replicas of [{Join(state.Replicas)}].", nameof(state));
        var adding = state.AddingReplicas ?? [];
        var removing = state.RemovingReplicas ?? [];
        // KRaft's reassignment invariant: both sets are parts of the (union) replica list, and no replica is both.
        if (!IsDistinctSubset(adding, state.Replicas) || !IsDistinctSubset(removing, state.Replicas) || adding.Any(removing.Contains))
            throw new ArgumentException($"{Name(state)}: adding [{Join(adding)}] and removing [{Join(removing)}] must be disjoint sets of replicas of [{Join(state.Replicas)}].", nameof(state));
    }

    private static bool IsDistinctSubset(IReadOnlyList<int> ids, IReadOnlyList<int> replicas) =>
        ids.All(replicas.Contains) && ids.Distinct().Count() == ids.Count;

    public static bool IsValidIsr(PartitionState state) =>
        state.Isr.All(state.Replicas.Contains) && state.Isr.Distinct().Count() == state.Isr.Count;

    /// <summary>A copy the caller cannot mutate behind the store's back.</summary>
    public static PartitionState Snapshot(PartitionState state) =>
        state with
        {
            Replicas = [.. state.Replicas],
            Isr = [.. state.Isr],
            // Empty is stored as none, so both stores read it back alike.
            AddingReplicas = state.AddingReplicas is { Count: > 0 } adding ? [.. adding] : null,
            RemovingReplicas = state.RemovingReplicas is { Count: > 0 } removing ? [.. removing] : null,
        };

    public static string Join(IEnumerable<int> ids) => string.Join(',', ids.Select(i => i.ToString(CultureInfo.InvariantCulture)));

    public static int[] Split(string? ids) =>
        string.IsNullOrEmpty(ids) ? [] : [.. ids.Split(',').Select(s => int.Parse(s, NumberStyles.Integer, CultureInfo.InvariantCulture))];

    public static int Compare(PartitionState a, PartitionState b)
    {
        var byTopic = string.CompareOrdinal(a.Topic, b.Topic);
        return byTopic != 0 ? byTopic : a.Partition.CompareTo(b.Partition);
    }

    private static string Name(PartitionState state) => $"Partition {state.Topic}-{state.Partition}";
}
