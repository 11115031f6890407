using Fjord.Cluster;

namespace Fjord.Cluster.Tests;

public sealed class InMemoryMetadataStoreTests : MetadataStoreContractTests
{
    protected override Task<IMetadataStore> CreateStoreAsync() => Task.FromResult<IMetadataStore>(new InMemoryMetadataStore());

    // The fake's data lives in the instance, so "another instance over the same data" is the same one.
    protected override Task<IMetadataStore> OpenSameStoreAsync(IMetadataStore store) => Task.FromResult(store);
}
