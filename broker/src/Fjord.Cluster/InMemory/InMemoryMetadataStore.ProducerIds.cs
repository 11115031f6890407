namespace Fjord.Cluster;

public sealed partial class InMemoryMetadataStore : IProducerIdStore
{
    private long _nextProducerId;

    /// <summary>Where the next block starts; tests set it near the end of the id space.</summary>
    internal long NextProducerId
    {
        get
        {
            lock (_lock)
                return _nextProducerId;
        }
        set
        {
            lock (_lock)
                _nextProducerId = value;
        }
    }

    public Task<ProducerIdBlock> AllocateProducerIdBlockAsync(int brokerId, int blockSize, CancellationToken ct)
    {
        ProducerIdBlockRules.Validate(brokerId, blockSize);
        ct.ThrowIfCancellationRequested();
        lock (_lock)
        {
            // Not a metadata change: the version stays where it is, as in the Table store.
            var block = ProducerIdBlockRules.Next(brokerId, blockSize, _nextProducerId);
            _nextProducerId = block.LastProducerId + 1;
            return Task.FromResult(block);
        }
    }
}
