using Fjord.Security.Authorization;

namespace Fjord.Security.Tests.Authorization;

public sealed class InMemoryAclStoreTests : AclStoreContractTests
{
    protected override Task<IAclStore> CreateStoreAsync() => Task.FromResult<IAclStore>(new InMemoryAclStore());

    protected override IAclStore OpenSameStore(IAclStore store) => store;
}
