using Fjord.Broker.Partitions;
using Fjord.Broker.Purgatory;
using Fjord.Broker.Replication;

namespace Fjord.Broker.Produce;

/// <summary>
/// Kafka's DelayedProduce: an acks=all produce waits in the purgatory on the partitions it wrote
/// until each one's high watermark covers its batches (the whole ISR has them), leadership moves,
/// or the request timeout passes. A wake-up looks only at the partition that moved.
/// </summary>
internal sealed class DelayedProduce(long deadlineTimestamp, IReadOnlyList<PendingCommit> pending) : DelayedOperation(deadlineTimestamp)
{
    private int _outstanding = pending.Count;

    public IEnumerable<Partition> Partitions => pending.Select(p => p.Partition).Distinct();

    protected internal override bool CanComplete(object? key)
    {
        foreach (var commit in pending)
        {
            if (commit.Done || (key is not null && !ReferenceEquals(key, commit.Partition))) continue;
            if (commit.Partition.IsLeader && commit.Partition.LeaderEpoch == commit.LeaderEpoch &&
                commit.Partition.Log.HighWatermark < commit.RequiredOffset) continue;
            commit.Done = true;
            _outstanding--;
        }
        return _outstanding == 0;
    }
}
