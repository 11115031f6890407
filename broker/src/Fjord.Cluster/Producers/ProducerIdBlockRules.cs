namespace Fjord.Cluster;

/// <summary>The checks and the arithmetic both store implementations share.</summary>
internal static class ProducerIdBlockRules
{
    public static void Validate(int brokerId, int blockSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(brokerId);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(blockSize);
    }

    /// <summary>
    /// The block that starts at <paramref name="nextProducerId"/>. Like Kafka's ZooKeeper-era
    /// ProducerIdManager ("Have exhausted all producerIds"), it refuses rather than wrap: an id handed
    /// out twice would let one producer's sequence numbers deduplicate another's batches.
    /// </summary>
    public static ProducerIdBlock Next(int brokerId, int blockSize, long nextProducerId)
    {
        if (nextProducerId < 0 || nextProducerId > long.MaxValue - blockSize)
            throw new InvalidOperationException(
                $"Producer ids are exhausted: the next block would start at {nextProducerId}, and a block of {blockSize} must end below {long.MaxValue}.");
        return new ProducerIdBlock(brokerId, nextProducerId, blockSize);
    }
}
