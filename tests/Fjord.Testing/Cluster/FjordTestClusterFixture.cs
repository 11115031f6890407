using Xunit;

namespace Fjord.Testing;

/// <summary>
/// An xunit class or collection fixture owning one <see cref="FjordTestCluster"/>, started before the
/// first test that shares it and disposed after the last. A derived fixture only says how it is built.
/// </summary>
public abstract class FjordTestClusterFixture : IAsyncLifetime
{
    private FjordTestCluster? _cluster;

    public FjordTestCluster Cluster => _cluster ?? throw new InvalidOperationException("the cluster has not started");

    /// <summary>How the cluster is built; read once, when xunit initialises the fixture.</summary>
    protected abstract FjordTestClusterOptions Options { get; }

    public async Task InitializeAsync()
    {
        await BeforeStartAsync().ConfigureAwait(false);
        _cluster = await FjordTestCluster.StartAsync(Options).ConfigureAwait(false);
        await AfterStartAsync(_cluster).ConfigureAwait(false);
    }

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
            await _cluster.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Prepares what the brokers must find when they start (e.g. rows in the metadata table).</summary>
    protected virtual Task BeforeStartAsync() => Task.CompletedTask;

    /// <summary>Waits for what the tests need beyond a started cluster.</summary>
    protected virtual Task AfterStartAsync(FjordTestCluster cluster) => Task.CompletedTask;
}
