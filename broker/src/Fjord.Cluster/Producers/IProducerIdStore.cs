namespace Fjord.Cluster;

/// <summary>
/// The cluster-wide producer-id counter, claimed in blocks (KIP-730: in KRaft the controller hands
/// out blocks through AllocateProducerIds; here the counter is one row in the metadata store). Each
/// broker serves InitProducerId from its current block, so the store is touched once per block, not
/// once per producer.
/// </summary>
public interface IProducerIdStore
{
    /// <summary>Kafka's block size (ProducerIdsBlock.PRODUCER_ID_BLOCK_SIZE).</summary>
    public const int DefaultBlockSize = 1000;

    /// <summary>
    /// Claims the next <paramref name="blockSize"/> ids for <paramref name="brokerId"/>. Blocks are
    /// contiguous (each starts right after the previous one, the first at 0) and never overlap, also
    /// between concurrent callers on different brokers. Claiming is not a metadata change: it does
    /// not move the metadata version. Throws <see cref="InvalidOperationException"/> once the counter
    /// would pass <see cref="long.MaxValue"/> - <paramref name="blockSize"/>, and
    /// <see cref="MetadataConflictException"/> when the bounded retry of lost races gives up.
    /// </summary>
    Task<ProducerIdBlock> AllocateProducerIdBlockAsync(int brokerId, int blockSize, CancellationToken ct);
}
