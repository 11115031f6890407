using Fjord.Security.Credentials;

namespace Fjord.Security.Tests.Credentials;

public sealed class ScramBootstrapUsersTests
{
    private static readonly ScramCredential Admin512 = ScramCredentials.Create(ScramMechanism.ScramSha512, "admin-secret", 4096, [1, 2, 3, 4]);
    private static readonly ScramCredential Admin256 = ScramCredentials.Create(ScramMechanism.ScramSha256, "admin-secret", 8192);

    [Fact]
    public void FormatThenParseGivesTheSameEntries()
    {
        UserScramCredential[] entries =
        [
            new("admin", ScramMechanism.ScramSha512, Admin512),
            new("admin", ScramMechanism.ScramSha256, Admin256),
            new("odd,name=x]", ScramMechanism.ScramSha512, Admin512),
        ];

        var text = ScramBootstrapUsers.Format(entries);
        var parsed = ScramBootstrapUsers.Parse(text);

        Assert.Equal(entries.Length, parsed.Count);
        for (var i = 0; i < entries.Length; i++)
        {
            Assert.Equal(entries[i].User, parsed[i].User);
            Assert.Equal(entries[i].Mechanism, parsed[i].Mechanism);
            Assert.Equal(entries[i].Credential.Salt, parsed[i].Credential.Salt);
            Assert.Equal(entries[i].Credential.StoredKey, parsed[i].Credential.StoredKey);
            Assert.Equal(entries[i].Credential.ServerKey, parsed[i].Credential.ServerKey);
            Assert.Equal(entries[i].Credential.Iterations, parsed[i].Credential.Iterations);
        }

        Assert.StartsWith("SCRAM-SHA-512=[name=admin,iterations=4096,salt=AQIDBA==,stored_key=", text, StringComparison.Ordinal);
        Assert.DoesNotContain("admin-secret", text, StringComparison.Ordinal);
    }

    [Fact]
    public void CommentsBlankLinesAndWindowsLineEndsAreFine()
    {
        var line = ScramBootstrapUsers.Format([new("admin", ScramMechanism.ScramSha512, Admin512)]).TrimEnd('\n');
        var text = $"# bootstrap users\r\n\r\n   \r\n{line}\r\n# end\r\n";

        Assert.Equal("admin", Assert.Single(ScramBootstrapUsers.Parse(text)).User);
    }

    [Theory]
    [InlineData("SCRAM-SHA-1=[name=a,iterations=4096,salt=AQ==,stored_key=K,server_key=K]", "unknown mechanism")]
    [InlineData("SCRAM-SHA-512 [name=a]", "expected MECHANISM=[")]
    [InlineData("SCRAM-SHA-512=[name=a,iterations=4096,salt=AQ==,stored_key=K]", "'server_key' is missing")]
    [InlineData("SCRAM-SHA-512=[name=a,iterations=4096,salt=AQ==,stored_key=K,server_key=K,password=x]", "unknown key 'password'")]
    [InlineData("SCRAM-SHA-512=[name=a,iterations=100,salt=AQ==,stored_key=K,server_key=K]", "iterations must be")]
    [InlineData("SCRAM-SHA-512=[name=a,iterations=4096,salt=%%,stored_key=K,server_key=K]", "salt is not base64")]
    [InlineData("SCRAM-SHA-512=[name=a,iterations=4096,salt=AQ==,stored_key=AQ==,server_key=AQ==]", "must be 64 bytes")]
    [InlineData("SCRAM-SHA-512=[name=,iterations=4096,salt=AQ==,stored_key=K,server_key=K]", "name is empty")]
    [InlineData("SCRAM-SHA-512=[name=a=b,iterations=4096,salt=AQ==,stored_key=K,server_key=K]", "badly escaped")]
    [InlineData("SCRAM-SHA-512=[name=a,name=b,iterations=4096,salt=AQ==,stored_key=K,server_key=K]", "'name' given twice")]
    [InlineData("SCRAM-SHA-512=[name=a,iterations=4096,salt,stored_key=K,server_key=K]", "is not key=value")]
    public void ABadLineIsAFormatExceptionNamingTheLine(string line, string why)
    {
        var key = Convert.ToBase64String(new byte[64]);
        var text = "# header\n\n" + line.Replace("=K", "=" + key, StringComparison.Ordinal);

        var e = Assert.Throws<FormatException>(() => ScramBootstrapUsers.Parse(text));

        Assert.Contains("line 3", e.Message, StringComparison.Ordinal);
        Assert.Contains(why, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TwoCredentialsForOneUserAndMechanismAreRefused()
    {
        var line = ScramBootstrapUsers.Format([new("admin", ScramMechanism.ScramSha512, Admin512)]);

        Assert.Throws<FormatException>(() => ScramBootstrapUsers.Parse(line + line));
    }

    [Fact]
    public async Task ApplyCreatesWhatIsMissingAndNeverOverwritesAChangedCredential()
    {
        var store = new InMemoryScramCredentialStore();
        var changedByAdmin = ScramCredentials.Create(ScramMechanism.ScramSha512, "rotated", 4096);
        await store.UpsertAsync("admin", ScramMechanism.ScramSha512, changedByAdmin, default);
        var entries = ScramBootstrapUsers.Parse(ScramBootstrapUsers.Format(
        [
            new("admin", ScramMechanism.ScramSha512, Admin512),
            new("admin", ScramMechanism.ScramSha256, Admin256),
        ]));

        Assert.Equal(1, await ScramBootstrapUsers.ApplyAsync(store, entries, default));
        Assert.Equal(0, await ScramBootstrapUsers.ApplyAsync(store, entries, default));

        var stored = (await store.LoadAsync(default)).Credentials;
        Assert.Equal(changedByAdmin.StoredKey, stored.Single(c => c.Mechanism == ScramMechanism.ScramSha512).Credential.StoredKey);
        Assert.Equal(Admin256.StoredKey, stored.Single(c => c.Mechanism == ScramMechanism.ScramSha256).Credential.StoredKey);
    }

    [Fact]
    public async Task ApplyWorksOnAStoreWithoutItsOwnCreateIfAbsent()
    {
        var store = new MinimalStore(new InMemoryScramCredentialStore());
        UserScramCredential[] entries = [new("admin", ScramMechanism.ScramSha512, Admin512)];

        Assert.Equal(1, await ScramBootstrapUsers.ApplyAsync(store, entries, default));
        Assert.Equal(0, await ScramBootstrapUsers.ApplyAsync(store, entries, default));
    }

    /// <summary>Implements only the original members, so the interface's default CreateIfAbsentAsync runs.</summary>
    private sealed class MinimalStore(IScramCredentialStore inner) : IScramCredentialStore
    {
        public Task InitializeAsync(CancellationToken ct) => inner.InitializeAsync(ct);

        public Task<long> ReadVersionAsync(CancellationToken ct) => inner.ReadVersionAsync(ct);

        public Task<(IReadOnlyList<UserScramCredential> Credentials, long Version)> LoadAsync(CancellationToken ct) => inner.LoadAsync(ct);

        public Task UpsertAsync(string user, ScramMechanism mechanism, ScramCredential credential, CancellationToken ct) => inner.UpsertAsync(user, mechanism, credential, ct);

        public Task<bool> DeleteAsync(string user, ScramMechanism mechanism, CancellationToken ct) => inner.DeleteAsync(user, mechanism, ct);
    }
}
