using Fjord.Cluster;

namespace Fjord.Cluster.Tests;

public sealed class InMemoryTransactionStateStoreTests : TransactionStateStoreContractTests
{
    protected override Task<ITransactionStateStore> CreateStoreAsync() => Task.FromResult<ITransactionStateStore>(new InMemoryTransactionStateStore());

    // The fake's data lives in the instance, so "another instance over the same data" is the same one.
    protected override ITransactionStateStore OpenSameStore(ITransactionStateStore store) => store;
}
