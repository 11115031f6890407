using Fjord.Testing;

namespace Fjord.Tiering.Tests;

/// <summary>One private Azurite per test class (Blob and Table), stopped when the class is done.</summary>
public sealed class TieringAzuriteFixture : IAsyncLifetime
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
