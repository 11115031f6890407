using System.Globalization;
using System.Text;
using Azure.Data.Tables;
using Fjord.Cluster;

namespace Fjord.Testing;

/// <summary>
/// The brokers of one test: N of them, in-process or child processes, on Azurite (a shared one or its own),
/// with a fresh metadata table, a data folder per broker that survives restarts, and ports the OS chose
/// and every restart keeps. Disposing it stops every broker it started and deletes their data.
/// </summary>
public sealed partial class FjordTestCluster : IAsyncDisposable
{
    private readonly FjordTestClusterOptions _options;
    private readonly AzuriteHost _azurite;
    private readonly bool _ownsAzurite;
    private readonly List<TestBroker> _brokers = [];

    // A node's settings for its next start only (first-incarnation settings, or a restart's extras).
    private readonly Dictionary<int, IReadOnlyDictionary<string, string>> _nextIncarnation = [];

    private FjordTestCluster(FjordTestClusterOptions options, AzuriteHost azurite, bool ownsAzurite)
    {
        _options = options;
        _azurite = azurite;
        _ownsAzurite = ownsAzurite;
        MetadataTable = options.MetadataTable ?? NewTableName();
        Store = new TableMetadataStore(new TableServiceClient(azurite.ConnectionString), MetadataTable);
    }

    public IReadOnlyList<TestBroker> Brokers => _brokers;

    public TestBroker this[int nodeId] => _brokers[nodeId];

    public AzuriteHost Azurite => _azurite;

    /// <summary>A child-process broker, for its output and signals.</summary>
    public ChildProcessBroker ChildProcess(int nodeId) => _brokers[nodeId] as ChildProcessBroker
        ?? throw new NotSupportedException($"broker {nodeId} runs in process; signals and output need BrokerHosting.ChildProcess");

    /// <summary>An in-process broker, to look inside it.</summary>
    public InProcessBroker InProcess(int nodeId = 0) => _brokers[nodeId] as InProcessBroker
        ?? throw new InvalidOperationException($"broker {nodeId} runs as a child process");

    public string MetadataTable { get; }

    public string OffsetsTable => MetadataTable + "offsets";

    public string TransactionsTable => MetadataTable + "transactions";
    public string AclTable => MetadataTable + "acls";
    public string ScramTable => MetadataTable + "scram";
    public string TenantTable => MetadataTable + "tenants";

    /// <summary>The brokers' status rows (fjord.broker.status.table), one table per cluster like the others.</summary>
    public string BrokerStatusTable => MetadataTable + "status";

    /// <summary>The cluster's metadata table, read directly: what it shows does not depend on the brokers under test being healthy.</summary>
    public TableMetadataStore Store { get; }

    /// <summary>Every broker's address, live or not: clients skip the dead ones.</summary>
    public string BootstrapServers => string.Join(',', _brokers.Select(b => b.BootstrapServers));

    /// <summary>A table name no other test uses.</summary>
    public static string NewTableName() => "fjord" + Guid.NewGuid().ToString("N")[..16];

    /// <summary>One in-process broker (node 0) on a shared Azurite: the common case in one line.</summary>
    public static Task<FjordTestCluster> StartAsync(AzuriteHost azurite, IReadOnlyDictionary<string, string>? settings = null) =>
        StartAsync(new FjordTestClusterOptions { Azurite = azurite, Settings = settings });

    public static async Task<FjordTestCluster> StartAsync(FjordTestClusterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.Brokers);
        var ownsAzurite = options.Azurite is null;
        var azurite = options.Azurite ?? await AzuriteHost.StartAsync().ConfigureAwait(false);
        var cluster = new FjordTestCluster(options, azurite, ownsAzurite);
        try
        {
            for (var id = 0; id < options.Brokers; id++)
            {
                cluster._brokers.Add(cluster.CreateBroker(id));
                if (options.FirstIncarnationSettings is not null)
                    cluster._nextIncarnation[id] = options.FirstIncarnationSettings;
            }

            if (!options.StartBrokers)
                return cluster;

            // All at once, as a real cluster starts: a broker waits for nothing but its own storage and port.
            await Task.WhenAll(cluster._brokers.Select(b => cluster.StartAsync(b.NodeId))).ConfigureAwait(false);
            if (options.WaitUntilFormed ?? options.Brokers > 1)
                await cluster.WaitUntilFormedAsync(options.StartTimeout).ConfigureAwait(false);
            return cluster;
        }
        catch (Exception e) when (e is TimeoutException or InvalidOperationException)
        {
            // The brokers' own words are the only clue to why a cluster did not form.
            var logs = cluster.Logs();
            await cluster.DisposeAsync().ConfigureAwait(false);
            throw new InvalidOperationException($"the cluster did not start: {e.Message}\n{logs}", e);
        }
        catch
        {
            await cluster.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Starts a broker that is down (on its data, port and node id) and waits until it serves.
    /// <paramref name="extraSettings"/> apply to this incarnation only and win over the cluster's.
    /// </summary>
    public async Task StartAsync(int nodeId, IReadOnlyDictionary<string, string>? extraSettings = null)
    {
        var broker = _brokers[nodeId];
        await broker.StartAsync(SettingsFor(broker, extraSettings), _options.StartTimeout).ConfigureAwait(false);
    }

    /// <summary>
    /// Starts a child-process broker without waiting for it to serve: for one expected to wait for storage,
    /// or to refuse. <paramref name="extraSettings"/> apply to this process only.
    /// </summary>
    public ChildProcessBroker Launch(int nodeId, IReadOnlyDictionary<string, string>? extraSettings = null)
    {
        var broker = ChildProcess(nodeId);
        broker.Launch(SettingsFor(broker, extraSettings));
        return broker;
    }

    /// <summary>Kills the broker (if running) and launches a new process on its data and port without waiting for it.</summary>
    public async Task<ChildProcessBroker> RelaunchAsync(int nodeId, IReadOnlyDictionary<string, string>? extraSettings = null)
    {
        await KillAsync(nodeId).ConfigureAwait(false);
        return Launch(nodeId, extraSettings);
    }

    /// <summary>SIGKILL (child processes only): no flush, no deregistration.</summary>
    public Task KillAsync(int nodeId) => _brokers[nodeId].KillAsync();

    /// <summary>A clean stop: controlled shutdown, checkpoints, the lease released.</summary>
    public Task StopAsync(int nodeId) => _brokers[nodeId].StopAsync();

    /// <summary>
    /// A new incarnation on the same node id, data and port: child processes are killed first, in-process
    /// brokers stopped cleanly. <paramref name="extraSettings"/> apply to this incarnation only.
    /// </summary>
    public async Task RestartAsync(int nodeId, IReadOnlyDictionary<string, string>? extraSettings = null)
    {
        var broker = _brokers[nodeId];
        if (broker is ChildProcessBroker)
            await broker.KillAsync().ConfigureAwait(false);
        else
            await broker.StopAsync().ConfigureAwait(false);
        await StartAsync(nodeId, extraSettings).ConfigureAwait(false);
    }

    /// <summary>Waits until the broker's process ends by itself; true when it did in time.</summary>
    public Task<bool> WaitForExitAsync(int nodeId, TimeSpan timeout) => ChildProcess(nodeId).WaitForExitAsync(timeout);

    public void Pause(int nodeId) => ChildProcess(nodeId).Pause();

    public void Resume(int nodeId) => ChildProcess(nodeId).Resume();

    /// <summary>Cuts the broker off from Table storage (needs <see cref="FjordTestClusterOptions.ProxyStorage"/>).</summary>
    public void BlockStorage(int nodeId) => Proxy(nodeId).Block();

    public void UnblockStorage(int nodeId) => Proxy(nodeId).Unblock();

    /// <summary>Table storage requests each broker has sent so far, by node id (needs <see cref="FjordTestClusterOptions.ProxyStorage"/>).</summary>
    public Dictionary<int, long> StorageRequests() => _brokers.ToDictionary(b => b.NodeId, b => Proxy(b.NodeId).HttpRequests);

    /// <summary>The tail of every child process's output, earlier incarnations included, for a failure message.</summary>
    public string Logs(int linesPerBroker = 60)
    {
        var text = new StringBuilder();
        foreach (var broker in _brokers)
        {
            var lines = broker is ChildProcessBroker child ? child.History : "(in process: see the test's console)";
            text.Append(CultureInfo.InvariantCulture, $"--- broker {broker.NodeId} ({(broker.IsRunning ? "running" : "down")})\n");
            text.AppendJoin('\n', lines.Split('\n').TakeLast(linesPerBroker)).Append('\n');
        }

        return text.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        // Child processes die at once and in parallel; in-process brokers each stop cleanly.
        await Task.WhenAll(_brokers.Select(b => b.DisposeAsync().AsTask())).ConfigureAwait(false);
        if (_ownsAzurite)
        {
            await _azurite.DisposeAsync().ConfigureAwait(false);
            return;
        }

        await DeleteTablesAsync().ConfigureAwait(false);
    }

    private TestBroker CreateBroker(int nodeId)
    {
        var proxy = _options.ProxyStorage ? TcpProxy.Start(_azurite.TablePort, countHttpRequests: true) : null;
        return _options.Hosting == BrokerHosting.InProcess
            ? new InProcessBroker(nodeId, proxy)
            : new ChildProcessBroker(nodeId, proxy, _options.EntryDll ?? Path.Combine(AppContext.BaseDirectory, "Fjord.Broker.dll"));
    }

    private Dictionary<string, string> SettingsFor(TestBroker broker, IReadOnlyDictionary<string, string>? extraSettings)
    {
        var settings = new Dictionary<string, string>
        {
            ["node.id"] = broker.NodeId.ToString(CultureInfo.InvariantCulture),
            ["listeners"] = $"PLAINTEXT://127.0.0.1:{broker.Port.ToString(CultureInfo.InvariantCulture)}",
            ["log.dirs"] = broker.LogDir,
            ["fjord.metadata.connection.string"] = broker.StorageProxy is { } proxy ? ProxiedConnectionString(proxy) : _azurite.ConnectionString,
            ["fjord.metadata.table"] = MetadataTable,
            ["fjord.offsets.table"] = OffsetsTable,
            ["fjord.transactions.table"] = TransactionsTable,
            ["fjord.acl.table"] = AclTable,
            ["fjord.scram.table"] = ScramTable,
            ["fjord.tenant.table"] = TenantTable,
            ["fjord.broker.status.table"] = BrokerStatusTable,
            ["fjord.metadata.poll.interval.ms"] = "200",
            // As Kafka's own integration tests do: a few transaction-state partitions, not 50 per test
            // cluster, so that many clusters sharing one Azurite on two cores do not load it needlessly.
            ["transaction.state.log.num.partitions"] = "10",
        };

        // A single broker is the whole cluster: no need to wait for more before creating the offsets topic.
        if (_options.Brokers == 1)
        {
            settings["offsets.topic.replication.factor"] = "1";
            settings["transaction.state.log.replication.factor"] = "1";
        }
        Overlay(settings, _options.Settings);
        Overlay(settings, _options.BrokerSettings?.GetValueOrDefault(broker.NodeId));
        if (_nextIncarnation.Remove(broker.NodeId, out var once))
            Overlay(settings, once);
        Overlay(settings, extraSettings);
        return settings;
    }

    private static void Overlay(Dictionary<string, string> settings, IReadOnlyDictionary<string, string>? more)
    {
        foreach (var (key, value) in more ?? new Dictionary<string, string>())
            settings[key] = value;
    }

    /// <summary>Azurite's connection string with the Table endpoint pointed at a broker's proxy.</summary>
    private string ProxiedConnectionString(TcpProxy proxy) =>
        _azurite.ConnectionString.Replace(
            $"127.0.0.1:{_azurite.TablePort.ToString(CultureInfo.InvariantCulture)}/",
            $"127.0.0.1:{proxy.Port.ToString(CultureInfo.InvariantCulture)}/",
            StringComparison.Ordinal);

    private TcpProxy Proxy(int nodeId) => _brokers[nodeId].StorageProxy
        ?? throw new InvalidOperationException("the cluster was started without ProxyStorage");

    private async Task DeleteTablesAsync()
    {
        if (!_azurite.IsRunning)
            return;
        var service = new TableServiceClient(_azurite.ConnectionString);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        foreach (var table in new[] { MetadataTable, OffsetsTable, TransactionsTable, AclTable, ScramTable, TenantTable })
        {
            try
            {
                await service.DeleteTableAsync(table, deadline.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is Azure.RequestFailedException or OperationCanceledException)
            {
                // Leftover tables in a throw-away Azurite are harmless.
            }
        }
    }
}
