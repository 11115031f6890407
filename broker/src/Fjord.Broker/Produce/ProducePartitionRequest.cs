using Fjord.Cluster;

namespace Fjord.Broker.Produce;

/// <summary>
/// One partition's batches of a produce request, with its topic as the metadata cache knows it (null:
/// unknown). The records are a slice of the connection's receive buffer: the append stamps offsets and
/// the leader epoch into it in place, so the bytes reach the file without another copy.
/// </summary>
public sealed record ProducePartitionRequest(TopicMetadata? Topic, string TopicName, int Partition, Memory<byte> Records)
{
    /// <summary>Set when a check before the append (a transaction's verification) already refused the partition.</summary>
    public ProduceRejection? Rejection { get; init; }

    /// <summary>The guard a transactional write's verification began with (KIP-890), checked again by the append.</summary>
    public object? VerificationGuard { get; init; }
}

