using Fjord.Broker.Partitions;
using Fjord.Broker.Replication;

namespace Fjord.Broker.Produce;

/// <summary>One partition of a delayed produce: the offset its high watermark must pass.</summary>
internal sealed class PendingCommit(ProducePartitionResult result, Partition partition, long requiredOffset, int leaderEpoch, int minInsyncReplicas)
{
    public ProducePartitionResult Result { get; } = result;

    public Partition Partition { get; } = partition;

    public long RequiredOffset { get; } = requiredOffset;

    public int LeaderEpoch { get; } = leaderEpoch;

    public int MinInsyncReplicas { get; } = minInsyncReplicas;

    /// <summary>Committed or failed; guarded by the operation's gate.</summary>
    public bool Done { get; set; }
}
