namespace Fjord.Cluster;

/// <summary>
/// A contiguous range of producer ids claimed by one broker (Kafka's ProducerIdsBlock, KIP-730):
/// <see cref="FirstProducerId"/> to <see cref="LastProducerId"/>, both inclusive. The cluster-wide
/// counter moves past a block when it is claimed, so no two brokers ever hold overlapping blocks.
/// </summary>
public sealed record ProducerIdBlock(int AssignedBrokerId, long FirstProducerId, int Size)
{
    /// <summary>The last id of the block (inclusive).</summary>
    public long LastProducerId => FirstProducerId + Size - 1;
}
