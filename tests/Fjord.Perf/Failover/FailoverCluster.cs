using System.Globalization;
using Fjord.Testing;

namespace Fjord.Perf.Failover;

/// <summary>
/// A throw-away cluster for one measurement: its own Azurite, and N brokers each talking to the
/// Table endpoint through a counting <see cref="TcpProxy"/>, so Table storage requests are counted
/// per broker without any help from the broker.
/// </summary>
internal sealed class FailoverCluster : IAsyncDisposable
{
    private readonly AzuriteHost _azurite;
    private readonly List<TcpProxy> _proxies = [];
    private readonly List<FailoverBroker> _brokers = [];
    private readonly List<string> _dataDirs = [];

    private FailoverCluster(AzuriteHost azurite) => _azurite = azurite;

    public IReadOnlyList<FailoverBroker> Brokers => _brokers;

    public string BootstrapServers => string.Join(',', _brokers.Select(b => b.Address));

    public static async Task<FailoverCluster> StartAsync(string brokerDll, int brokers, IReadOnlyDictionary<string, string> knobs, TimeSpan timeout)
    {
        var cluster = new FailoverCluster(await AzuriteHost.StartAsync().ConfigureAwait(false));
        try
        {
            var table = "fjordperf" + Guid.NewGuid().ToString("N")[..12];
            var starts = new List<Task<FailoverBroker>>();
            for (var id = 0; id < brokers; id++)
            {
                var proxy = TcpProxy.Start(cluster._azurite.TablePort, countHttpRequests: true);
                cluster._proxies.Add(proxy);
                var settings = new Dictionary<string, string>(knobs)
                {
                    ["node.id"] = id.ToString(CultureInfo.InvariantCulture),
                    ["listeners"] = "PLAINTEXT://127.0.0.1:0",
                    ["log.dirs"] = cluster.NewDataDir($"fjord-failover-{table}-{id}"),
                    ["fjord.metadata.connection.string"] = cluster._azurite.ConnectionString.Replace(
                        $"127.0.0.1:{cluster._azurite.TablePort.ToString(CultureInfo.InvariantCulture)}/",
                        $"127.0.0.1:{proxy.Port.ToString(CultureInfo.InvariantCulture)}/", StringComparison.Ordinal),
                    ["fjord.metadata.table"] = table,
                    ["fjord.offsets.table"] = table + "offsets",
                    ["fjord.log.level"] = "Warning",
                };
                starts.Add(FailoverBroker.StartAsync(brokerDll, id, settings, timeout));
            }

            foreach (var start in starts)
            {
                try
                {
                    cluster._brokers.Add(await start.ConfigureAwait(false));
                }
                catch (InvalidOperationException)
                {
                    // Keep the others so they are stopped below, then report the first failure.
                    foreach (var other in starts.Where(s => s != start))
                    {
                        if (other.IsCompletedSuccessfully && !cluster._brokers.Contains(other.Result))
                            cluster._brokers.Add(other.Result);
                    }

                    throw;
                }
            }

            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private string NewDataDir(string name)
    {
        var dir = Path.Combine(Path.GetTempPath(), name);
        Directory.CreateDirectory(dir);
        _dataDirs.Add(dir);
        return dir;
    }

    /// <summary>HTTP requests each broker has sent to Table storage so far, by node id.</summary>
    public long[] StorageRequests() => _proxies.Select(p => p.HttpRequests).ToArray();

    /// <summary>The same, by request kind (method and path), by node id.</summary>
    public IReadOnlyDictionary<string, long>[] StorageRequestsByKind() => _proxies.Select(p => p.HttpRequestsByKind).ToArray();

    public async ValueTask DisposeAsync()
    {
        foreach (var broker in _brokers)
            broker.Dispose();
        foreach (var proxy in _proxies)
            await proxy.DisposeAsync().ConfigureAwait(false);
        await _azurite.DisposeAsync().ConfigureAwait(false);
        foreach (var dir in _dataDirs)
        {
            try
            {
                Directory.Delete(dir, recursive: true);
            }
            catch (IOException)
            {
                // A leftover temp folder is harmless.
            }
        }
    }
}
