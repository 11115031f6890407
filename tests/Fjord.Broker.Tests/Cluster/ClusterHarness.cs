using System.Globalization;
using System.Text;
using Azure.Data.Tables;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Fjord.Broker.Tests.Infrastructure;
using Fjord.Cluster;
using Fjord.Testing;

namespace Fjord.Broker.Tests.Cluster;

/// <summary>
/// N brokers as child processes on one Azurite, each behind its own <see cref="TcpProxy"/> to the
/// Table endpoint, so a test can kill (SIGKILL), restart, pause (SIGSTOP) or cut off from storage any
/// one of them. The harness reads the cluster's truth (controller lease, partition state) from the
/// metadata table directly, not through any broker, so what it sees does not depend on the brokers
/// under test being healthy.
/// </summary>
public sealed class ClusterHarness : IAsyncDisposable
{
    /// <summary>Kafka's failover knobs turned down so a test sees a death in seconds.</summary>
    public static IReadOnlyDictionary<string, string> FastFailover { get; } = new Dictionary<string, string>
    {
        ["broker.heartbeat.interval.ms"] = "500",
        ["broker.session.timeout.ms"] = "3000",
        ["fjord.controller.tick.ms"] = "250",
        ["fjord.metadata.poll.interval.ms"] = "250",
        ["replica.lag.time.max.ms"] = "3000",
    };

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly AzuriteHost _azurite;
    private readonly IReadOnlyDictionary<string, string> _settings;
    private readonly List<ClusterNode> _nodes = [];
    private readonly Dictionary<int, StringBuilder> _pastOutput = [];

    // Settings for one node's next incarnation only (e.g. a fault point): a restart runs without them.
    private readonly Dictionary<int, IReadOnlyDictionary<string, string>> _nextIncarnation = [];

    private ClusterHarness(AzuriteHost azurite, IReadOnlyDictionary<string, string> settings, string metadataTable)
    {
        _azurite = azurite;
        _settings = settings;
        MetadataTable = metadataTable;
        Store = new TableMetadataStore(new TableServiceClient(azurite.ConnectionString), metadataTable);
    }

    public IReadOnlyList<ClusterNode> Nodes => _nodes;

    public ClusterNode this[int nodeId] => _nodes[nodeId];

    public string MetadataTable { get; }

    public string OffsetsTable => MetadataTable + "offsets";

    /// <summary>The cluster's metadata table, read without going through any broker or proxy.</summary>
    public TableMetadataStore Store { get; }

    /// <summary>Every broker's address, live or not: clients skip the dead ones.</summary>
    public string BootstrapServers => string.Join(',', _nodes.Select(n => n.BootstrapServers));

    /// <summary>
    /// Starts <paramref name="brokers"/> brokers (node ids 0..n-1) with the fast failover knobs, a fresh
    /// metadata and offsets table, and waits until all are registered and a controller holds the lease.
    /// <paramref name="settings"/> override the defaults (use it for the default knobs, or topic defaults).
    /// <paramref name="firstIncarnationSettings"/> apply to every broker's first process only, so a
    /// restart drops them (e.g. <c>fjord.test.fault.points</c>: crash once, then run clean).
    /// </summary>
    public static async Task<ClusterHarness> StartAsync(AzuriteHost azurite, int brokers, IReadOnlyDictionary<string, string>? settings = null,
        IReadOnlyDictionary<string, string>? firstIncarnationSettings = null)
    {
        ArgumentNullException.ThrowIfNull(azurite);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(brokers);
        var merged = new Dictionary<string, string>(FastFailover)
        {
            ["log.segment.bytes"] = "1048576",
            ["fjord.log.level"] = "Information",
        };
        foreach (var (k, v) in settings ?? new Dictionary<string, string>())
            merged[k] = v;
        var harness = new ClusterHarness(azurite, merged, FjordTestCluster.NewTableName());
        try
        {
            // The brokers create the table too; creating it here first lets the harness read it at once.
            await harness.Store.InitializeAsync(CancellationToken.None);
            for (var id = 0; id < brokers; id++)
            {
                harness._nodes.Add(new ClusterNode(id, TcpProxy.Start(azurite.TablePort, countHttpRequests: true)));
                if (firstIncarnationSettings is not null)
                    harness._nextIncarnation[id] = firstIncarnationSettings;
            }

            await Task.WhenAll(harness._nodes.Select(harness.LaunchAsync));
            await harness.WaitForMembersAsync(StartTimeout);
            return harness;
        }
        catch (Exception e) when (e is TimeoutException or InvalidOperationException)
        {
            // The brokers' own words are the only clue to why a cluster did not form.
            var logs = harness.Logs();
            await harness.DisposeAsync();
            throw new InvalidOperationException($"the cluster did not start: {e.Message}\n{logs}", e);
        }
        catch
        {
            await harness.DisposeAsync();
            throw;
        }
    }

    /// <summary>SIGKILL: no flush, no deregistration; the cluster learns of it only by the lapsed lease.</summary>
    public async Task KillAsync(int nodeId)
    {
        var node = _nodes[nodeId];
        if (node.Process is not { } process)
            return;
        await process.KillAsync();
        Remember(node, process);
        await process.DisposeAsync();
        node.Process = null;
    }

    /// <summary>
    /// SIGTERM: a clean stop (controlled shutdown, checkpoints, lease released). <see cref="RestartAsync(int)"/>
    /// starts it again.
    /// </summary>
    public async Task StopAsync(int nodeId)
    {
        var node = _nodes[nodeId];
        if (node.Process is not { } process)
            return;
        await process.StopAsync(TimeSpan.FromSeconds(30));
        Remember(node, process);
        await process.DisposeAsync();
        node.Process = null;
    }

    /// <summary>A new process (new incarnation) on the same node id, data folder and port.</summary>
    public async Task RestartAsync(int nodeId)
    {
        await KillAsync(nodeId);
        await LaunchAsync(_nodes[nodeId]);
    }

    /// <summary>
    /// Like <see cref="RestartAsync(int)"/>, with <paramref name="extraSettings"/> over the harness's
    /// settings for this incarnation only (the one after it runs without them again).
    /// </summary>
    public async Task RestartAsync(int nodeId, IReadOnlyDictionary<string, string>? extraSettings)
    {
        await KillAsync(nodeId);
        if (extraSettings is not null)
            _nextIncarnation[nodeId] = extraSettings;
        await LaunchAsync(_nodes[nodeId]);
    }

    /// <summary>
    /// Kills the node (if running) and starts a new process on its data and port without waiting for it
    /// to become ready: for a broker expected to wait or refuse. <paramref name="extraSettings"/> (e.g. another
    /// metadata table) apply to this process only and win over the harness's own.
    /// </summary>
    public async Task<BrokerProcess> RelaunchAsync(int nodeId, IReadOnlyDictionary<string, string>? extraSettings = null)
    {
        await KillAsync(nodeId);
        return Launch(_nodes[nodeId], extraSettings);
    }

    /// <summary>
    /// Waits until the node's process ends by itself (e.g. a fault point's SIGKILL); true when it did
    /// within <paramref name="timeout"/>. Its output is kept for <see cref="Logs"/> and the node is down afterwards.
    /// </summary>
    public async Task<bool> WaitForExitAsync(int nodeId, TimeSpan timeout)
    {
        var node = _nodes[nodeId];
        if (node.Process is not { } process)
            return true;
        try
        {
            await Poll.UntilAsync(() => process.HasExited, timeout, $"broker {nodeId} to exit");
        }
        catch (TimeoutException)
        {
            return false;
        }

        // Killing an exited process only waits for it, which drains the last lines still in its output pipes.
        await process.KillAsync();
        Remember(node, process);
        await process.DisposeAsync();
        node.Process = null;
        return true;
    }

    public void Pause(int nodeId) => Running(nodeId).Pause();

    public void Resume(int nodeId) => Running(nodeId).Resume();

    public void BlockStorage(int nodeId) => _nodes[nodeId].StorageProxy.Block();

    public void UnblockStorage(int nodeId) => _nodes[nodeId].StorageProxy.Unblock();

    public Task<ControllerLease?> ControllerAsync() => Store.GetControllerAsync(CancellationToken.None);

    public Task<PartitionState?> PartitionStateAsync(string topic, int partition) =>
        Store.GetPartitionStateAsync(topic, partition, CancellationToken.None);

    /// <summary>Polls the partition's row until <paramref name="condition"/> holds; returns that state.</summary>
    public async Task<PartitionState> WaitForPartitionAsync(string topic, int partition, Func<PartitionState, bool> condition, TimeSpan timeout, string what)
    {
        PartitionState? seen = null;
        try
        {
            await Poll.UntilAsync(async () =>
            {
                seen = await PartitionStateAsync(topic, partition);
                return seen is not null && condition(seen);
            }, timeout, $"{topic}-{partition}: {what}");
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message} Last state: {Describe(seen)}", e);
        }

        return seen!;
    }

    /// <summary>Waits until every partition of the topic has a leader and all its replicas in the ISR.</summary>
    public async Task WaitForFullIsrAsync(string topic, int partitions, TimeSpan timeout)
    {
        for (var p = 0; p < partitions; p++)
            await WaitForPartitionAsync(topic, p, s => s.Leader >= 0 && s.Isr.Count == s.Replicas.Count, timeout, "a leader and every replica in the ISR");
    }

    /// <summary>Polls the controller lease row until <paramref name="condition"/> holds; returns that lease.</summary>
    public async Task<ControllerLease> WaitForControllerAsync(Func<ControllerLease, bool> condition, TimeSpan timeout, string what)
    {
        ControllerLease? seen = null;
        await Poll.UntilAsync(async () =>
        {
            seen = await ControllerAsync();
            return seen is not null && condition(seen);
        }, timeout, what);
        return seen!;
    }

    public async Task CreateTopicAsync(string topic, int partitions, short replicationFactor, Dictionary<string, string>? configs = null)
    {
        using var admin = KafkaClients.Admin(BootstrapServers);
        await admin.CreateTopicsAsync(
            [new TopicSpecification { Name = topic, NumPartitions = partitions, ReplicationFactor = replicationFactor, Configs = configs }],
            new CreateTopicsOptions { RequestTimeout = TimeSpan.FromSeconds(30) });
    }

    /// <summary>The partition's high watermark as its leader reports it (ListOffsets latest).</summary>
    public long HighWatermark(string topic, int partition)
    {
        using var consumer = KafkaClients.Consumer(BootstrapServers);
        return consumer.QueryWatermarkOffsets(new TopicPartition(topic, partition), TimeSpan.FromSeconds(10)).High.Value;
    }

    /// <summary>What each replica of the partition holds below the high watermark, as bytes, by node id.</summary>
    public Dictionary<int, byte[]> CommittedBytes(string topic, int partition, IEnumerable<int> replicas, long highWatermark) =>
        replicas.ToDictionary(r => r, r => ReplicaLogFiles.CommittedBytes(_nodes[r].LogDir, topic, partition, highWatermark));

    /// <summary>Table storage requests each broker has sent so far, by node id.</summary>
    public Dictionary<int, long> StorageRequests() => _nodes.ToDictionary(n => n.NodeId, n => n.StorageProxy.HttpRequests);

    /// <summary>The tail of every broker's output (earlier incarnations included), for a failure message.</summary>
    public string Logs(int linesPerBroker = 60)
    {
        var text = new StringBuilder();
        foreach (var node in _nodes)
        {
            var lines = (_pastOutput.TryGetValue(node.NodeId, out var past) ? past.ToString() : "")
                + (node.Process?.Output ?? "");
            var tail = lines.Split('\n').TakeLast(linesPerBroker);
            text.Append(CultureInfo.InvariantCulture, $"--- broker {node.NodeId} ({(node.IsRunning ? "running" : "down")})\n");
            text.AppendJoin('\n', tail).Append('\n');
        }

        return text.ToString();
    }

    public static string Describe(PartitionState? state) => state is null
        ? "(no partition row)"
        : $"leader {state.Leader} epoch {state.LeaderEpoch} replicas [{string.Join(',', state.Replicas)}] isr [{string.Join(',', state.Isr)}] partition epoch {state.PartitionEpoch}";

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            if (node.Process is { } process)
                await process.KillAsync();
        }

        foreach (var node in _nodes)
            await node.DisposeAsync();
        var service = new TableServiceClient(_azurite.ConnectionString);
        foreach (var table in new[] { MetadataTable, OffsetsTable })
        {
            try
            {
                await service.DeleteTableAsync(table);
            }
            catch (Azure.RequestFailedException)
            {
                // Leftover tables in a throw-away Azurite are harmless.
            }
        }
    }

    private BrokerProcess Running(int nodeId) =>
        _nodes[nodeId].Process ?? throw new InvalidOperationException($"broker {nodeId} is not running");

    private async Task LaunchAsync(ClusterNode node)
    {
        var process = Launch(node, null);
        await process.WaitForReadyAsync(StartTimeout);
        if (node.Port == 0)
            node.Port = int.Parse(process.BootstrapServers.Split(':')[1], CultureInfo.InvariantCulture);
    }

    private BrokerProcess Launch(ClusterNode node, IReadOnlyDictionary<string, string>? extraSettings)
    {
        var settings = new Dictionary<string, string>(_settings);
        if (_nextIncarnation.Remove(node.NodeId, out var once))
        {
            foreach (var (k, v) in once)
                settings[k] = v;
        }

        foreach (var (k, v) in new Dictionary<string, string>
        {
            ["node.id"] = node.NodeId.ToString(CultureInfo.InvariantCulture),
            ["listeners"] = $"PLAINTEXT://127.0.0.1:{node.Port.ToString(CultureInfo.InvariantCulture)}",
            ["log.dirs"] = node.LogDir,
            ["fjord.metadata.connection.string"] = ProxiedConnectionString(node.StorageProxy),
            ["fjord.metadata.table"] = MetadataTable,
            ["fjord.offsets.table"] = OffsetsTable,
        })
            settings[k] = v;
        foreach (var (k, v) in extraSettings ?? new Dictionary<string, string>())
            settings[k] = v;
        var process = BrokerProcess.Launch(settings);
        node.Process = process;
        return process;
    }

    /// <summary>Azurite's connection string with the Table endpoint pointed at this broker's proxy.</summary>
    private string ProxiedConnectionString(TcpProxy proxy) =>
        _azurite.ConnectionString.Replace(
            $"127.0.0.1:{_azurite.TablePort.ToString(CultureInfo.InvariantCulture)}/",
            $"127.0.0.1:{proxy.Port.ToString(CultureInfo.InvariantCulture)}/",
            StringComparison.Ordinal);

    private async Task WaitForMembersAsync(TimeSpan timeout)
    {
        var expected = _nodes.Select(n => n.NodeId).ToHashSet();
        await Poll.UntilAsync(async () =>
        {
            var brokers = await Store.ListBrokersAsync(CancellationToken.None);
            return expected.IsSubsetOf(brokers.Select(b => b.NodeId));
        }, timeout, $"brokers {string.Join(',', expected)} to register");
        await WaitForControllerAsync(_ => true, timeout, "a controller to hold the lease");
        // Each broker answers Metadata (and places CreateTopics replicas) from its own cache, which
        // learns of the others one poll later: ready means every broker knows every broker.
        foreach (var node in _nodes)
        {
            using var admin = KafkaClients.Admin(node.BootstrapServers);
            await Poll.UntilAsync(() =>
            {
                try
                {
                    return admin.GetMetadata(TimeSpan.FromSeconds(5)).Brokers.Count >= expected.Count;
                }
                catch (KafkaException)
                {
                    return false;
                }
            }, timeout, $"broker {node.NodeId}'s Metadata to list all {expected.Count} brokers");
        }
    }

    private void Remember(ClusterNode node, BrokerProcess process)
    {
        if (!_pastOutput.TryGetValue(node.NodeId, out var past))
            _pastOutput[node.NodeId] = past = new StringBuilder();
        past.Append(CultureInfo.InvariantCulture, $"[incarnation pid {process.Pid} ended]\n");
        foreach (var line in process.Output.Split('\n').TakeLast(200))
            past.Append(line).Append('\n');
    }
}
