using Azure.Data.Tables;
using Fjord.Security.Tenancy;
using Fjord.Testing;
using Microsoft.Extensions.Logging;

namespace Fjord.Security.Tests.Tenancy;

public sealed class TableTenantStoreTests(AzuriteFixture azurite) : TenantStoreContractTests, IClassFixture<AzuriteFixture>
{
    protected override async Task<ITenantStore> CreateStoreAsync()
    {
        var store = Open($"t{Guid.NewGuid():N}");
        await store.InitializeAsync(Ct);
        return store;
    }

    protected override ITenantStore OpenSameStore(ITenantStore store) => Open(((TableTenantStore)store).TableName);

    [Fact]
    public async Task ATenantIsOneRowWithTypedColumnsNextToTheVersionRow()
    {
        var store = (TableTenantStore)await CreateStoreAsync();
        var acme = NewTenant("acme", new TenantLimits(MaxRetainedBytes: 1L << 40, MaxConnections: 5));
        await store.CreateAsync(acme, Ct);

        var table = Table(store.TableName);
        var row = (await table.GetEntityAsync<TableEntity>("tenants", "acme", cancellationToken: Ct)).Value;
        var version = (await table.GetEntityAsync<TableEntity>("tenants", "!version", cancellationToken: Ct)).Value;

        Assert.Equal("Tenant acme", row.GetString("DisplayName"));
        Assert.Equal("Active", row.GetString("State"));
        Assert.Equal(acme.ClusterId, row.GetString("ClusterId"));
        Assert.Equal(22, acme.ClusterId.Length);
        Assert.Equal(acme.CreatedAt, row.GetDateTimeOffset("CreatedAt"));
        Assert.Equal(1L << 40, row.GetInt64("MaxRetainedBytes"));
        Assert.Equal(5, row.GetInt32("MaxConnections"));
        Assert.False(row.ContainsKey("MaxTopics"));
        Assert.Equal(1L, version.GetInt64("Version"));
    }

    [Fact]
    public async Task ACorruptRowIsLoggedAndSkippedWhileTheOthersServe()
    {
        var logger = new ListLogger();
        var name = $"t{Guid.NewGuid():N}";
        var store = new TableTenantStore(new TableServiceClient(azurite.ConnectionString), name, logger);
        await store.InitializeAsync(Ct);
        await store.CreateAsync(NewTenant("acme"), Ct);
        await store.CreateAsync(NewTenant("globex"), Ct);
        var table = Table(name);
        await table.UpsertEntityAsync(new TableEntity("tenants", "globex") { ["State"] = "Dormant", ["DisplayName"] = "x" }, TableUpdateMode.Replace, Ct);
        await table.UpsertEntityAsync(new TableEntity("tenants", "Not_An_Id") { ["State"] = "Active" }, TableUpdateMode.Replace, Ct);

        var tenants = await store.ListAsync(Ct);

        Assert.Equal(["acme"], tenants.Select(t => t.Id));
        Assert.Null(await store.GetAsync("globex", Ct));
        Assert.Contains(logger.Messages, m => m.Contains("globex", StringComparison.Ordinal));
        Assert.Contains(logger.Messages, m => m.Contains("Not_An_Id", StringComparison.Ordinal));
        // An operator can still remove it.
        Assert.True(await store.DeleteAsync("globex", Ct));
    }

    [Fact]
    public async Task InitializingTwiceIsHarmless()
    {
        var store = (TableTenantStore)await CreateStoreAsync();
        await store.InitializeAsync(Ct);
        await Open(store.TableName).InitializeAsync(Ct);
    }

    [Fact]
    public void TheDefaultTableIsFjordtenants() =>
        Assert.Equal("fjordtenants", new TableTenantStore(new TableServiceClient(azurite.ConnectionString)).TableName);

    [Fact]
    public void AnIllegalTableNameIsRefused() =>
        Assert.Throws<ArgumentException>(() => new TableTenantStore(new TableServiceClient(azurite.ConnectionString), "no-dashes"));

    private TableTenantStore Open(string tableName) => new(new TableServiceClient(azurite.ConnectionString), tableName);

    private TableClient Table(string name) => new TableServiceClient(azurite.ConnectionString).GetTableClient(name);

    private sealed class ListLogger : ILogger
    {
        private readonly Lock _lock = new();
        private readonly List<string> _messages = [];

        public IReadOnlyList<string> Messages
        {
            get
            {
                lock (_lock) return [.. _messages];
            }
        }

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (_lock) _messages.Add(formatter(state, exception));
        }
    }
}
