using Fjord.Broker.Producers;
using Fjord.Cluster;
using Fjord.Protocol;

namespace Fjord.Broker.Replicas;

public sealed partial class ReplicaManager
{
    /// <summary>The producers the leader of this partition knows (DescribeProducers), or null and why not.</summary>
    public IReadOnlyList<ActiveProducer>? ActiveProducers(TopicMetadata? topic, int partition, out ErrorCode error)
    {
        if (LeaderFor(topic, Guid.Empty, partition, -1, out error) is not { } leader) return null;
        return [.. leader.Log.ActiveProducers.Select(p =>
            new ActiveProducer(p.ProducerId, p.ProducerEpoch, p.LastSequence, p.LastTimestamp, p.CoordinatorEpoch, p.CurrentTxnFirstOffset))];
    }
}
