using Azure.Data.Tables;
using Fjord.Security.Authorization;
using Fjord.Testing;
using static Fjord.Security.Tests.Authorization.Acls;

namespace Fjord.Security.Tests.Authorization;

public sealed class TableAclStoreTests(AzuriteFixture azurite) : AclStoreContractTests, IClassFixture<AzuriteFixture>
{
    protected override async Task<IAclStore> CreateStoreAsync()
    {
        var store = Open($"a{Guid.NewGuid():N}");
        await store.InitializeAsync(Ct);
        return store;
    }

    protected override IAclStore OpenSameStore(IAclStore store) => Open(((TableAclStore)store).TableName);

    [Fact]
    public async Task ABindingIsOneRowWithTypedColumnsBesideTheVersionRow()
    {
        var store = (TableAclStore)await CreateStoreAsync();
        var binding = DenyTopic("User:alice", AclOperation.Write, "a/b#c", PatternType.Prefixed, host: "10.0.0.1");

        await store.CreateAsync([binding], Ct);

        var table = new TableServiceClient(azurite.ConnectionString).GetTableClient(store.TableName);
        var rows = new List<TableEntity>();
        await foreach (var row in table.QueryAsync<TableEntity>(cancellationToken: Ct)) rows.Add(row);
        Assert.Equal(2, rows.Count);
        Assert.All(rows, r => Assert.Equal("acls", r.PartitionKey));
        var version = Assert.Single(rows, r => r.RowKey == "version");
        Assert.Equal(1L, version.GetInt64("Version"));
        var acl = Assert.Single(rows, r => r.RowKey != "version");
        Assert.Matches("^acl-[0-9a-f]{64}$", acl.RowKey);
        Assert.Equal((int)ResourceType.Topic, acl.GetInt32("ResourceType"));
        Assert.Equal("a/b#c", acl.GetString("ResourceName"));
        Assert.Equal((int)PatternType.Prefixed, acl.GetInt32("PatternType"));
        Assert.Equal("User:alice", acl.GetString("Principal"));
        Assert.Equal("10.0.0.1", acl.GetString("Host"));
        Assert.Equal((int)AclOperation.Write, acl.GetInt32("Operation"));
        Assert.Equal((int)AclPermissionType.Deny, acl.GetInt32("PermissionType"));
    }

    [Fact]
    public void TheDefaultTableIsFjordacls() =>
        Assert.Equal("fjordacls", new TableAclStore(new TableServiceClient(azurite.ConnectionString)).TableName);

    [Fact]
    public async Task InitializingTwiceIsHarmless()
    {
        var store = (TableAclStore)await CreateStoreAsync();
        await store.InitializeAsync(Ct);
        await Open(store.TableName).InitializeAsync(Ct);
    }

    private TableAclStore Open(string tableName) => new(new TableServiceClient(azurite.ConnectionString), tableName);
}
