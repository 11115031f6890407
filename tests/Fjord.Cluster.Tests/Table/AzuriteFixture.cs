using Fjord.Testing;

namespace Fjord.Cluster.Tests;

/// <summary>One private Azurite per test class, stopped when the class is done.</summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    private AzuriteHost? _host;

    public AzuriteHost Host => _host ?? throw new InvalidOperationException("Azurite has not started.");

    public async Task InitializeAsync() => _host = await AzuriteHost.StartAsync();

    public async Task DisposeAsync()
    {
        if (_host is not null)
            await _host.DisposeAsync();
    }
}
