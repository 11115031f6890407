using Fjord.Cluster;

namespace Fjord.Cluster.Tests;

public sealed class InMemoryControllerStoreTests : ControllerStoreContractTests
{
    protected override Task<IControllerStore> CreateStoreAsync() => Task.FromResult<IControllerStore>(new InMemoryMetadataStore(Clock));

    // The fake's data lives in the instance; its lease observations are kept per claimant incarnation.
    protected override Task<IControllerStore> OpenSameStoreAsync(IControllerStore store) => Task.FromResult(store);
}
