using Fjord.Security.Quotas;

namespace Fjord.Security.Tests.Quotas;

public sealed class InMemoryClientQuotaStoreTests : ClientQuotaStoreContractTests
{
    protected override Task<IClientQuotaStore> CreateStoreAsync() => Task.FromResult<IClientQuotaStore>(new InMemoryClientQuotaStore());

    protected override IClientQuotaStore OpenSameStore(IClientQuotaStore store) => store;
}
