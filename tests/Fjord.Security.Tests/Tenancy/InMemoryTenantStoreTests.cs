using Fjord.Security.Tenancy;

namespace Fjord.Security.Tests.Tenancy;

public sealed class InMemoryTenantStoreTests : TenantStoreContractTests
{
    protected override Task<ITenantStore> CreateStoreAsync() => Task.FromResult<ITenantStore>(new InMemoryTenantStore());

    protected override ITenantStore OpenSameStore(ITenantStore store) => store;
}
