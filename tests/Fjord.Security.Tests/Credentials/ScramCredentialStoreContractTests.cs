using Fjord.Security.Credentials;

namespace Fjord.Security.Tests.Credentials;

/// <summary>
/// What every <see cref="IScramCredentialStore"/> must do, run against the in-memory store and against Table
/// storage on Azurite: credentials round-trip, deletes report what they did, awkward names are kept faithfully,
/// every change bumps the version, and of 20 racing writers on separate store instances none loses its bump.
/// </summary>
public abstract class ScramCredentialStoreContractTests
{
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(3));

    protected CancellationToken Ct => _timeout.Token;

    /// <summary>A fresh, empty, initialized store no other test sees.</summary>
    protected abstract Task<IScramCredentialStore> CreateStoreAsync();

    /// <summary>Another instance over the same data (another broker).</summary>
    protected abstract IScramCredentialStore OpenSameStore(IScramCredentialStore store);

    protected static ScramCredential Credential(byte seed, ScramMechanism mechanism = ScramMechanism.ScramSha512, int iterations = 4096)
    {
        var size = mechanism.HashSize();
        return new ScramCredential([seed, 1, 2, 3], Enumerable.Repeat(seed, size).ToArray(), Enumerable.Repeat((byte)(seed + 1), size).ToArray(), iterations);
    }

    [Fact]
    public async Task AnEmptyStoreHasNothingAtVersionZero()
    {
        var store = await CreateStoreAsync();

        var (credentials, version) = await store.LoadAsync(Ct);

        Assert.Empty(credentials);
        Assert.Equal(0, version);
        Assert.Equal(0, await store.ReadVersionAsync(Ct));
    }

    [Fact]
    public async Task AWrittenCredentialLoadsBackWithEveryField()
    {
        var store = await CreateStoreAsync();
        var written = Credential(7, iterations: 8192);

        await store.UpsertAsync("alice", ScramMechanism.ScramSha512, written, Ct);
        var (credentials, version) = await store.LoadAsync(Ct);

        var loaded = Assert.Single(credentials);
        Assert.Equal("alice", loaded.User);
        Assert.Equal(ScramMechanism.ScramSha512, loaded.Mechanism);
        AssertSame(written, loaded.Credential);
        Assert.Equal(1, version);
    }

    [Fact]
    public async Task MechanismsOfOneUserAreSeparateCredentials()
    {
        var store = await CreateStoreAsync();
        await store.UpsertAsync("alice", ScramMechanism.ScramSha256, Credential(1, ScramMechanism.ScramSha256), Ct);
        await store.UpsertAsync("alice", ScramMechanism.ScramSha512, Credential(2), Ct);

        Assert.True(await store.DeleteAsync("alice", ScramMechanism.ScramSha256, Ct));

        var remaining = Assert.Single((await store.LoadAsync(Ct)).Credentials);
        Assert.Equal(ScramMechanism.ScramSha512, remaining.Mechanism);
    }

    [Fact]
    public async Task AnUpsertReplacesAndEveryChangeBumpsTheVersion()
    {
        var store = await CreateStoreAsync();
        await store.UpsertAsync("alice", ScramMechanism.ScramSha512, Credential(1), Ct);
        await store.UpsertAsync("alice", ScramMechanism.ScramSha512, Credential(9), Ct);
        Assert.Equal(2, await store.ReadVersionAsync(Ct));
        AssertSame(Credential(9), Assert.Single((await store.LoadAsync(Ct)).Credentials).Credential);

        Assert.True(await store.DeleteAsync("alice", ScramMechanism.ScramSha512, Ct));
        Assert.Equal(3, await store.ReadVersionAsync(Ct));
        Assert.Empty((await store.LoadAsync(Ct)).Credentials);
    }

    [Fact]
    public async Task DeletingWhatIsNotThereReportsFalseAndKeepsTheVersion()
    {
        var store = await CreateStoreAsync();
        await store.UpsertAsync("alice", ScramMechanism.ScramSha512, Credential(1), Ct);

        Assert.False(await store.DeleteAsync("bob", ScramMechanism.ScramSha512, Ct));
        Assert.False(await store.DeleteAsync("alice", ScramMechanism.ScramSha256, Ct));
        Assert.Equal(1, await store.ReadVersionAsync(Ct));
    }

    [Fact]
    public async Task CreateIfAbsentNeverOverwrites()
    {
        var store = await CreateStoreAsync();
        Assert.True(await store.CreateIfAbsentAsync("admin", ScramMechanism.ScramSha512, Credential(1), Ct));

        Assert.False(await store.CreateIfAbsentAsync("admin", ScramMechanism.ScramSha512, Credential(2), Ct));

        AssertSame(Credential(1), Assert.Single((await store.LoadAsync(Ct)).Credentials).Credential);
        Assert.Equal(1, await store.ReadVersionAsync(Ct));
    }

    [Theory]
    [InlineData("a/b\\c#d?e")]
    [InlineData("with space,comma=equals|pipe")]
    [InlineData("!version")]
    [InlineData("~0041")]
    [InlineData("pay\u00e9ments-\u4e2d\u6587")]
    [InlineData("CN=broker-1,O=Fjord")]
    [InlineData("tab\tnewline\n")]
    public async Task AwkwardNamesAreStoredFaithfullyAndKeptApart(string user)
    {
        var store = await CreateStoreAsync();
        await store.UpsertAsync(user, ScramMechanism.ScramSha256, Credential(3, ScramMechanism.ScramSha256), Ct);
        await store.UpsertAsync("plain", ScramMechanism.ScramSha256, Credential(4, ScramMechanism.ScramSha256), Ct);

        var loaded = (await store.LoadAsync(Ct)).Credentials.Single(c => c.User != "plain");

        Assert.Equal(user, loaded.User);
        AssertSame(Credential(3, ScramMechanism.ScramSha256), loaded.Credential);
        Assert.True(await store.DeleteAsync(user, ScramMechanism.ScramSha256, Ct));
        Assert.Equal("plain", Assert.Single((await store.LoadAsync(Ct)).Credentials).User);
    }

    [Fact]
    public async Task AVeryLongNameIsStored()
    {
        var store = await CreateStoreAsync();
        var user = new string('\u00e9', 2000);

        await store.UpsertAsync(user, ScramMechanism.ScramSha512, Credential(5), Ct);

        Assert.Equal(user, Assert.Single((await store.LoadAsync(Ct)).Credentials).User);
        Assert.True(await store.DeleteAsync(user, ScramMechanism.ScramSha512, Ct));
    }

    [Fact]
    public async Task TwentyRacingWritersOnSeparateInstancesEndAtVersionTwenty()
    {
        var store = await CreateStoreAsync();
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var writers = Enumerable.Range(0, 20).Select(async i =>
        {
            var mine = OpenSameStore(store);
            await go.Task;
            await mine.UpsertAsync($"user-{i}", ScramMechanism.ScramSha512, Credential((byte)i), Ct);
        }).ToArray();

        go.SetResult();
        await Task.WhenAll(writers);

        var (credentials, version) = await store.LoadAsync(Ct);
        Assert.Equal(20, version);
        Assert.Equal(20, credentials.Count);
    }

    [Fact]
    public async Task AnotherInstanceSeesTheSameCredentialsAndVersion()
    {
        var store = await CreateStoreAsync();
        await store.UpsertAsync("alice", ScramMechanism.ScramSha512, Credential(1), Ct);

        var other = OpenSameStore(store);

        Assert.Equal(1, await other.ReadVersionAsync(Ct));
        Assert.Equal("alice", Assert.Single((await other.LoadAsync(Ct)).Credentials).User);
    }

    protected static void AssertSame(ScramCredential expected, ScramCredential actual)
    {
        Assert.Equal(expected.Salt, actual.Salt);
        Assert.Equal(expected.StoredKey, actual.StoredKey);
        Assert.Equal(expected.ServerKey, actual.ServerKey);
        Assert.Equal(expected.Iterations, actual.Iterations);
    }
}
