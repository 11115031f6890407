using Fjord.Security.Credentials;

namespace Fjord.Security.Tests.Credentials;

public sealed class InMemoryScramCredentialStoreTests : ScramCredentialStoreContractTests
{
    protected override Task<IScramCredentialStore> CreateStoreAsync() => Task.FromResult<IScramCredentialStore>(new InMemoryScramCredentialStore());

    // The in-memory store is one process's memory: "another broker" is the same instance.
    protected override IScramCredentialStore OpenSameStore(IScramCredentialStore store) => store;
}
