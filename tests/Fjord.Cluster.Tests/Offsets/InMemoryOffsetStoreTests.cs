using Fjord.Cluster;

namespace Fjord.Cluster.Tests;

public sealed class InMemoryOffsetStoreTests : OffsetStoreContractTests
{
    protected override Task<IOffsetStore> CreateStoreAsync() => Task.FromResult<IOffsetStore>(new InMemoryOffsetStore());
}
