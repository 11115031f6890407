using Fjord.Protocol;

namespace Fjord.Controller;

/// <summary>
/// The partition leader's in-sync-replica decisions, with Kafka's rules (Partition.scala). The leader
/// proposes the resulting ISR to the controller with AlterPartition; these functions only decide.
/// </summary>
public static class IsrPolicy
{
    /// <summary>
    /// The ISR without the followers that have not caught up to the leader's end offset within
    /// <paramref name="replicaLagTimeMaxMs"/> (replica.lag.time.max.ms). The leader always stays. A follower
    /// with no caught-up time at all counts as out of sync: a new leader must seed every ISR member with the
    /// time it became leader, as Kafka does, so that a follower gets the full lag time to show up.
    /// </summary>
    public static IReadOnlyList<int> Shrink(
        IReadOnlyList<int> isr,
        int leaderId,
        IReadOnlyDictionary<int, long> lastCaughtUpTimeMs,
        long nowMs,
        long replicaLagTimeMaxMs)
    {
        ArgumentNullException.ThrowIfNull(isr);
        ArgumentNullException.ThrowIfNull(lastCaughtUpTimeMs);
        return [.. isr.Where(id => id == leaderId
            || (lastCaughtUpTimeMs.TryGetValue(id, out var caughtUp) && nowMs - caughtUp <= replicaLagTimeMaxMs))];
    }

    /// <summary>
    /// Kafka's isFollowerInSync: a follower may (re)join the ISR once its log end offset has reached the high
    /// watermark and the start offset of the current leader epoch — the latter so that a follower which
    /// has not yet fetched anything of this epoch (and so may still carry a divergent suffix) stays out.
    /// </summary>
    public static bool IsCaughtUp(long followerLogEndOffset, long highWatermark, long leaderEpochStartOffset) =>
        followerLogEndOffset >= highWatermark && followerLogEndOffset >= leaderEpochStartOffset;

    /// <summary>
    /// The ISR plus every replica not yet in it that <see cref="IsCaughtUp"/>, in replica order. Replicas
    /// with no known log end offset are not added.
    /// </summary>
    public static IReadOnlyList<int> Expand(
        IReadOnlyList<int> isr,
        IReadOnlyList<int> replicas,
        IReadOnlyDictionary<int, long> followerLogEndOffsets,
        long highWatermark,
        long leaderEpochStartOffset)
    {
        ArgumentNullException.ThrowIfNull(isr);
        ArgumentNullException.ThrowIfNull(replicas);
        ArgumentNullException.ThrowIfNull(followerLogEndOffsets);
        var result = new List<int>(isr);
        foreach (var replica in replicas)
        {
            if (!result.Contains(replica)
                && followerLogEndOffsets.TryGetValue(replica, out var leo)
                && IsCaughtUp(leo, highWatermark, leaderEpochStartOffset))
            {
                result.Add(replica);
            }
        }

        return result;
    }

    /// <summary>
    /// The high watermark: the smallest log end offset over the ISR (leader included), never below
    /// <paramref name="currentHighWatermark"/> — Kafka only ever moves it forward, even when the ISR grows
    /// by a follower that is exactly at the old mark. An ISR member with no known end offset holds it.
    /// </summary>
    public static long HighWatermark(
        long currentHighWatermark,
        IReadOnlyList<int> isr,
        IReadOnlyDictionary<int, long> logEndOffsets)
    {
        ArgumentNullException.ThrowIfNull(isr);
        ArgumentNullException.ThrowIfNull(logEndOffsets);
        var min = long.MaxValue;
        foreach (var id in isr)
        {
            if (!logEndOffsets.TryGetValue(id, out var leo))
            {
                return currentHighWatermark;
            }

            min = Math.Min(min, leo);
        }

        return isr.Count == 0 ? currentHighWatermark : Math.Max(currentHighWatermark, min);
    }

    /// <summary>
    /// Whether an acks=all produce may be accepted: Kafka refuses it with NOT_ENOUGH_REPLICAS when the ISR is
    /// smaller than min.insync.replicas, before appending anything.
    /// </summary>
    public static ErrorCode CanCommitAcksAll(int isrSize, int minInsyncReplicas) =>
        isrSize < minInsyncReplicas ? ErrorCode.NotEnoughReplicas : ErrorCode.None;
}
