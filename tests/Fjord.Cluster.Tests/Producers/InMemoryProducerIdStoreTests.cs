using Fjord.Cluster;

namespace Fjord.Cluster.Tests;

public sealed class InMemoryProducerIdStoreTests : ProducerIdStoreContractTests
{
    protected override Task<IProducerIdStore> CreateStoreAsync() => Task.FromResult<IProducerIdStore>(new InMemoryMetadataStore());

    // The fake's data lives in the instance, so "another instance over the same data" is the same one.
    protected override Task<IProducerIdStore> OpenSameStoreAsync(IProducerIdStore store) => Task.FromResult(store);

    protected override Task SetNextProducerIdAsync(IProducerIdStore store, long nextProducerId)
    {
        ((InMemoryMetadataStore)store).NextProducerId = nextProducerId;
        return Task.CompletedTask;
    }
}
