using Azure.Data.Tables;
using Fjord.Security.Credentials;
using Fjord.Testing;

namespace Fjord.Security.Tests.Credentials;

public sealed class TableScramCredentialStoreTests(AzuriteFixture azurite) : ScramCredentialStoreContractTests, IClassFixture<AzuriteFixture>
{
    protected override async Task<IScramCredentialStore> CreateStoreAsync()
    {
        var store = Open($"s{Guid.NewGuid():N}");
        await store.InitializeAsync(Ct);
        return store;
    }

    protected override IScramCredentialStore OpenSameStore(IScramCredentialStore store) => Open(((TableScramCredentialStore)store).TableName);

    [Fact]
    public async Task ACredentialIsOneRowWithTypedColumnsNextToTheVersionRow()
    {
        var store = (TableScramCredentialStore)await CreateStoreAsync();
        await store.UpsertAsync("a/b", ScramMechanism.ScramSha256, Credential(9, ScramMechanism.ScramSha256, 8192), Ct);

        var table = new TableServiceClient(azurite.ConnectionString).GetTableClient(store.TableName);
        var row = (await table.GetEntityAsync<TableEntity>("scram", "a~002Fb|SCRAM-SHA-256", cancellationToken: Ct)).Value;
        var version = (await table.GetEntityAsync<TableEntity>("scram", "!version", cancellationToken: Ct)).Value;

        Assert.Equal("a/b", row.GetString("User"));
        Assert.Equal("SCRAM-SHA-256", row.GetString("Mechanism"));
        Assert.Equal(8192, row.GetInt32("Iterations"));
        Assert.Equal(new byte[] { 9, 1, 2, 3 }, row.GetBinary("Salt"));
        Assert.Equal(32, row.GetBinary("StoredKey").Length);
        Assert.Equal(32, row.GetBinary("ServerKey").Length);
        Assert.Equal(1L, version.GetInt64("Version"));
        Assert.DoesNotContain(row.Keys, k => k.Contains("password", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task InitializingTwiceIsHarmless()
    {
        var store = (TableScramCredentialStore)await CreateStoreAsync();
        await store.InitializeAsync(Ct);
        await Open(store.TableName).InitializeAsync(Ct);
    }

    [Fact]
    public void TheDefaultTableIsFjordscram() =>
        Assert.Equal("fjordscram", new TableScramCredentialStore(new TableServiceClient(azurite.ConnectionString)).TableName);

    private TableScramCredentialStore Open(string tableName) => new(new TableServiceClient(azurite.ConnectionString), tableName);
}
