using System.Diagnostics;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Fjord.Perf.Cluster;
using Fjord.Testing;

namespace Fjord.Perf.Failover;

/// <summary>
/// Starts a fresh cluster per knob set, lets it idle while counting Table storage requests per
/// broker, then kills a partition's leader under a steady acks=all producer and times the gap until
/// the first acknowledgement. A tool for the numbers the issue asks to report, not a test.
/// </summary>
internal sealed class FailoverPerformance(FailoverOptions options, string brokerDll)
{
    private const string Topic = "failover";
    private static readonly TimeSpan SendInterval = TimeSpan.FromMilliseconds(5);
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(3);

    /// <summary>Measures each knob set on a fresh cluster; <paramref name="report"/> sees each result as soon as it is known.</summary>
    public async Task<IReadOnlyList<FailoverSummary>> RunAsync(Action<FailoverSummary> report, CancellationToken cancellation)
    {
        var summaries = new List<FailoverSummary>();
        foreach (var (name, settings) in FailoverKnobs.Selected(options.Knobs))
        {
            var first = true;
            foreach (var killController in Victims())
            {
                Console.Error.WriteLine($"[{name}] starting Azurite and {options.Brokers} brokers");
                await using var cluster = await StartClusterAsync(settings).ConfigureAwait(false);
                // The idle cost does not depend on which broker is killed next: measured once per knob set.
                var summary = await MeasureAsync(name, settings, cluster, killController, first ? options.IdleSeconds : 0, cancellation).ConfigureAwait(false);
                first = false;
                report(summary);
                summaries.Add(summary);
            }
        }

        return summaries;
    }

    /// <summary>
    /// A throw-away cluster for one measurement: its own Azurite, and brokers (child processes) each talking
    /// to the Table endpoint through a counting proxy, so Table storage requests are counted per broker
    /// without any help from the broker.
    /// </summary>
    private Task<FjordTestCluster> StartClusterAsync(IReadOnlyDictionary<string, string> knobs) =>
        FjordTestCluster.StartAsync(new FjordTestClusterOptions
        {
            Brokers = options.Brokers,
            Hosting = BrokerHosting.ChildProcess,
            EntryDll = brokerDll,
            ProxyStorage = true,
            MetadataTable = "fjordperf" + Guid.NewGuid().ToString("N")[..12],
            StartTimeout = options.Timeout,
            // Measured below, with the tool's own deadline and cancellation.
            WaitUntilFormed = false,
        }.WithSettings(knobs).WithSettings(new Dictionary<string, string> { ["fjord.log.level"] = "Warning" }));

    /// <summary>HTTP requests each broker has sent to Table storage so far, in node id order.</summary>
    private static long[] StorageRequests(FjordTestCluster cluster) =>
        cluster.StorageRequests().OrderBy(kv => kv.Key).Select(kv => kv.Value).ToArray();

    /// <summary>The same, by request kind (method and path).</summary>
    private static IReadOnlyDictionary<string, long>[] StorageRequestsByKind(FjordTestCluster cluster) =>
        cluster.Brokers.Select(b => b.StorageProxy!.HttpRequestsByKind).ToArray();

    /// <summary>Whether the killed leader is also the controller: false, true, or both in turn.</summary>
    private IEnumerable<bool> Victims() => options.Victim switch
    {
        "leader" => [false],
        "controller" => [true],
        _ => [false, true],
    };

    private async Task<FailoverSummary> MeasureAsync(string name, IReadOnlyDictionary<string, string> settings, FjordTestCluster cluster,
        bool killController, int idleSeconds, CancellationToken cancellation)
    {
        var replicationFactor = Math.Min(3, options.Brokers);
        using var admin = new AdminClientBuilder(TopicAdmin.AdminConfig(cluster.BootstrapServers, options.Timeout))
            .SetLogHandler(ClientLogging.Write).Build();
        await WaitForMembersAsync(cluster, cancellation).ConfigureAwait(false);
        var controller = await ControllerAsync(admin, cancellation).ConfigureAwait(false);
        // The preferred (first) replica leads a new partition: put the controller first or not at all first.
        var others = cluster.Brokers.Select(b => b.NodeId).Where(id => id != controller).ToList();
        List<int> replicas = killController
            ? [controller, .. others.Take(replicationFactor - 1)]
            : [others[0], controller, .. others.Skip(1).Take(replicationFactor - 2)];
        await admin.CreateTopicsAsync(
            [new TopicSpecification { Name = Topic, NumPartitions = 1, ReplicationFactor = -1, ReplicasAssignments = new() { [0] = replicas }, Configs = new() { ["min.insync.replicas"] = "2" } }],
            new CreateTopicsOptions { RequestTimeout = options.Timeout }).ConfigureAwait(false);
        var leader = await WaitForLeaderAsync(admin, l => l.Leader == replicas[0] && l.InSyncReplicas.Length == replicationFactor,
            $"broker {replicas[0]} leading with a full ISR", cancellation).ConfigureAwait(false);

        // Settling, not waiting for a state: topic creation's own Table traffic must not count as idle.
        await Task.Delay(Settle, cancellation).ConfigureAwait(false);
        Console.Error.WriteLine($"[{name}] idle for {idleSeconds} s, counting Table storage requests");
        var before = StorageRequests(cluster);
        var kindsBefore = StorageRequestsByKind(cluster);
        var idle = Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromSeconds(idleSeconds), cancellation).ConfigureAwait(false);
        var after = StorageRequests(cluster);
        var kindsAfter = StorageRequestsByKind(cluster);
        var minutes = Math.Max(idle.Elapsed.TotalMinutes, 1e-9);
        var perMinute = after.Zip(before, (a, b) => (a - b) / minutes).ToArray();
        var perMinuteByKind = kindsAfter.Zip(kindsBefore, (a, b) => (IReadOnlyDictionary<string, double>)a
            .Select(kv => (kv.Key, Rate: (kv.Value - b.GetValueOrDefault(kv.Key)) / minutes))
            .Where(k => k.Rate > 0)
            .OrderByDescending(k => k.Rate)
            .ToDictionary(k => k.Key, k => k.Rate)).ToArray();
        Console.Error.WriteLine($"[{name}] killing leader {leader.Leader} under an acks=all producer");
        var (firstAckMs, metadataMs, newLeader) = await KillLeaderAsync(cluster, admin, leader.Leader, cancellation).ConfigureAwait(false);
        return new FailoverSummary(name, settings, leader.Leader, newLeader, firstAckMs, metadataMs, idleSeconds, perMinute, perMinuteByKind, controller);
    }

    private async Task<(double FirstAckMs, double MetadataMs, int NewLeader)> KillLeaderAsync(
        FjordTestCluster cluster, IAdminClient admin, int leader, CancellationToken cancellation)
    {
        var config = ClientLogging.Configure(new ProducerConfig
        {
            BootstrapServers = cluster.BootstrapServers,
            Acks = Acks.All,
            EnableIdempotence = false,
            LingerMs = 0,
            MessageSendMaxRetries = int.MaxValue,
            RetryBackoffMs = 50,
            RetryBackoffMaxMs = 500,
            ReconnectBackoffMs = 50,
            ReconnectBackoffMaxMs = 500,
            RequestTimeoutMs = 5000,
            MessageTimeoutMs = (int)options.Timeout.TotalMilliseconds,
        });
        using var producer = new ProducerBuilder<Null, byte[]>(config).SetLogHandler((_, _) => { }).Build();
        var clock = Stopwatch.StartNew();
        var killedAtTicks = long.MaxValue;
        var firstAckAfterKill = new TaskCompletionSource<TimeSpan>(TaskCreationOptions.RunContinuationsAsynchronously);
        var acked = 0L;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        var sending = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var sentAt = clock.Elapsed.Ticks;
                producer.Produce(Topic, new Message<Null, byte[]> { Value = new byte[100] }, report =>
                {
                    if (report.Error.IsError)
                        return;
                    Interlocked.Increment(ref acked);
                    // Only a message sent after the leader's death proves the new leader.
                    if (sentAt > Interlocked.Read(ref killedAtTicks))
                        firstAckAfterKill.TrySetResult(clock.Elapsed);
                });
                try
                {
                    await Task.Delay(SendInterval, stop.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }, CancellationToken.None);

        var deadline = Stopwatch.StartNew();
        while (Interlocked.Read(ref acked) < 100 && deadline.Elapsed < options.Timeout)
            await Task.Delay(20, cancellation).ConfigureAwait(false);
        if (Interlocked.Read(ref acked) < 100)
            throw new TimeoutException("the producer got no acknowledgements before the kill");

        var killTime = clock.Elapsed;
        await cluster.KillAsync(leader).ConfigureAwait(false);
        // Counting starts once the process is gone (Kill waits for its exit): a message sent in the
        // moments before could still be acknowledged by the dying leader.
        Interlocked.Exchange(ref killedAtTicks, clock.Elapsed.Ticks);

        var survivors = string.Join(',', cluster.Brokers.Where(b => b.NodeId != leader).Select(b => b.BootstrapServers));
        using var survivorAdmin = new AdminClientBuilder(TopicAdmin.AdminConfig(survivors, options.Timeout)).SetLogHandler((_, _) => { }).Build();
        var moved = await WaitForLeaderAsync(survivorAdmin, l => l.Leader >= 0 && l.Leader != leader, $"a leader other than {leader}", cancellation).ConfigureAwait(false);
        var metadataMs = (clock.Elapsed - killTime).TotalMilliseconds;
        var firstAck = await firstAckAfterKill.Task.WaitAsync(options.Timeout, cancellation).ConfigureAwait(false);
        await stop.CancelAsync().ConfigureAwait(false);
        await sending.ConfigureAwait(false);
        return ((firstAck - killTime).TotalMilliseconds, metadataMs, moved.Leader);
    }

    private async Task<int> ControllerAsync(IAdminClient admin, CancellationToken cancellation)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                if ((await admin.DescribeClusterAsync().ConfigureAwait(false)).Controller is { } node)
                    return node.Id;
            }
            catch (KafkaException)
            {
                // Not elected yet, or asked a broker that is still starting.
            }

            if (deadline.Elapsed > options.Timeout)
                throw new TimeoutException($"no controller within {options.Timeout.TotalSeconds:0} s");
            await Task.Delay(50, cancellation).ConfigureAwait(false);
        }
    }

    /// <summary>Each broker places CreateTopics replicas from its own cache: wait until every cache knows every broker.</summary>
    private async Task WaitForMembersAsync(FjordTestCluster cluster, CancellationToken cancellation)
    {
        foreach (var broker in cluster.Brokers)
        {
            using var admin = new AdminClientBuilder(TopicAdmin.AdminConfig(broker.BootstrapServers, options.Timeout)).SetLogHandler((_, _) => { }).Build();
            var deadline = Stopwatch.StartNew();
            while (admin.GetMetadata(TimeSpan.FromSeconds(5)).Brokers.Count < cluster.Brokers.Count)
            {
                if (deadline.Elapsed > options.Timeout)
                    throw new TimeoutException($"broker {broker.NodeId} did not learn of all {cluster.Brokers.Count} brokers within {options.Timeout.TotalSeconds:0} s");
                await Task.Delay(50, cancellation).ConfigureAwait(false);
            }
        }
    }

    private async Task<PartitionMetadata> WaitForLeaderAsync(IAdminClient admin, Func<PartitionMetadata, bool> condition, string what, CancellationToken cancellation)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                var partition = admin.GetMetadata(Topic, TimeSpan.FromSeconds(5)).Topics.Single().Partitions.SingleOrDefault(p => p.PartitionId == 0);
                if (partition is not null && condition(partition))
                    return partition;
            }
            catch (KafkaException)
            {
                // A broker that just died may still be asked; the next round asks another.
            }

            if (deadline.Elapsed > options.Timeout)
                throw new TimeoutException($"no {what} for {Topic}-0 within {options.Timeout.TotalSeconds:0} s");
            await Task.Delay(50, cancellation).ConfigureAwait(false);
        }
    }
}
