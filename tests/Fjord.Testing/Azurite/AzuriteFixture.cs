using Xunit;

namespace Fjord.Testing;

/// <summary>
/// An xunit class or collection fixture owning one private Azurite (Blob and Table), started before
/// the first test and stopped after the last one that shares it.
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    private AzuriteHost? _host;

    public AzuriteHost Host => _host ?? throw new InvalidOperationException("Azurite has not started.");

    public string ConnectionString => Host.ConnectionString;

    public async Task InitializeAsync() => _host = await AzuriteHost.StartAsync();

    public async Task DisposeAsync()
    {
        if (_host is not null)
            await _host.DisposeAsync();
    }
}
