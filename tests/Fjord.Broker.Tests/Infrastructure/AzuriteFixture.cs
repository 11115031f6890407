using Fjord.Testing;

namespace Fjord.Broker.Tests.Infrastructure;

/// <summary>One Azurite for the whole broker test collection; every broker gets its own table.</summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    private AzuriteHost? _host;

    public AzuriteHost Host => _host ?? throw new InvalidOperationException("Azurite is not started");

    public string ConnectionString => Host.ConnectionString;

    public async Task InitializeAsync() => _host = await AzuriteHost.StartAsync();

    public async Task DisposeAsync()
    {
        if (_host is not null) await _host.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class BrokerCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "broker";
}
