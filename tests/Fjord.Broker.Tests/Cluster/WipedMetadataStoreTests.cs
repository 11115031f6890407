using System.Globalization;
using System.Text;
using Azure.Data.Tables;
using Confluent.Kafka;
using Fjord.Broker.Tests.Infrastructure;
using Fjord.Cluster;
using Fjord.Testing;
using Xunit.Abstractions;

namespace Fjord.Broker.Tests.Cluster;

/// <summary>
/// Issue 11, items 1 and 2: a metadata store that is wiped (its table deleted, or an in-memory Azurite
/// restarted empty) or replaced by another cluster's must cost no data. Every broker stops serving and
/// says why, brokers restarted in any order refuse to start instead of forming a new empty cluster over
/// their logs, no byte of any log is deleted, and once the operator restores the store (or points a
/// broker back at the right one) the cluster serves every acknowledged record again — the brokers that
/// kept running re-register as new incarnations by themselves.
/// </summary>
[Collection(BrokerCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class WipedMetadataStoreTests(AzuriteFixture azurite, ITestOutputHelper output)
{
    private const int Partitions = 3;
    private const int Records = 3_000;
    private const string Topic = "precious";
    private const string Group = "precious-readers";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task DeletedMetadataTableDeletesNoDataAndTheRestoredStoreServesEveryAckedRecord()
    {
        await using var cluster = await FjordTestCluster.StartAsync(FjordTestClusterOptions.FaultTolerant(azurite.Host, 3));
        try
        {
            var service = new TableServiceClient(azurite.Host.ConnectionString);
            await FillAsync(cluster);
            var before = CommittedLogs(cluster);
            var backup = await TableBackup.TakeAsync(service, cluster.MetadataTable);

            await service.DeleteTableAsync(cluster.MetadataTable);
            await AllRunningBrokersStopServingAsync(cluster);
            await AssertProduceIsRefusedAsync(cluster);

            // Restarts in every manner: broker 2 killed, broker 0 stopped cleanly and started against
            // another cluster's store (an operator's wrong connection string), broker 1 left running.
            var broker2 = await cluster.RelaunchAsync(2);
            await broker2.WaitForOutputAsync("refuses to serve", Timeout);
            Assert.Contains("holds no cluster id", broker2.Output, StringComparison.Ordinal);
            await cluster.StopAsync(0);
            var otherTable = FjordTestCluster.NewTableName();
            var otherCluster = await new TableMetadataStore(service, otherTable).GetOrCreateClusterIdAsync(CancellationToken.None);
            var wrongStore = await cluster.RelaunchAsync(0, new Dictionary<string, string> { ["fjord.metadata.table"] = otherTable });
            await wrongStore.WaitForOutputAsync($"belongs to cluster {otherCluster}", Timeout);

            // Nobody re-created the store as a new, empty cluster, and every byte is still on disk.
            Assert.False(await TableExistsAsync(service, cluster.MetadataTable), "a broker re-created the wiped metadata table");
            Assert.False(broker2.IsReady || wrongStore.IsReady, "a broker served from a wiped or foreign store");
            AssertLogsUnchanged(before, cluster);

            await backup.RestoreAsync();
            var broker0 = await cluster.RelaunchAsync(0);
            await broker0.WaitForReadyAsync(Timeout);
            await broker2.WaitForReadyAsync(Timeout);
            await cluster.ChildProcess(1).WaitForOutputAsync("serves again", Timeout);

            await AssertEveryRecordReadableAsync(cluster);
            await AssertProduceWorksAsync(cluster);
        }
        catch
        {
            output.WriteLine(cluster.Logs(120));
            throw;
        }
    }

    [Fact]
    public async Task InMemoryStorageRestartedEmptyDeletesNoDataAndTheRestoredStoreServesEveryAckedRecord()
    {
        await using var storage = await AzuriteHost.StartAsync(AzuriteOptions.InMemoryStore());
        await using var cluster = await FjordTestCluster.StartAsync(FjordTestClusterOptions.FaultTolerant(storage, 3));
        try
        {
            var service = new TableServiceClient(storage.ConnectionString);
            await FillAsync(cluster);
            await CommitGroupOffsetAsync(cluster);
            var before = CommittedLogs(cluster);
            var metadataBackup = await TableBackup.TakeAsync(service, cluster.MetadataTable);
            var offsetsBackup = await TableBackup.TakeAsync(service, cluster.OffsetsTable);

            await storage.RestartAsync();
            await AllRunningBrokersStopServingAsync(cluster);

            // Every broker restarted at once, all against the empty store: none may form a new cluster.
            var relaunched = new List<ChildProcessBroker>();
            foreach (var node in cluster.Brokers)
                relaunched.Add(await cluster.RelaunchAsync(node.NodeId));
            foreach (var broker in relaunched)
                await broker.WaitForOutputAsync("refuses to serve", Timeout);
            Assert.False(await TableExistsAsync(service, cluster.MetadataTable), "a broker re-created the wiped metadata table");
            AssertLogsUnchanged(before, cluster);

            await metadataBackup.RestoreAsync();
            await offsetsBackup.RestoreAsync();
            foreach (var broker in relaunched)
                await broker.WaitForReadyAsync(Timeout);

            await AssertEveryRecordReadableAsync(cluster);
            using var consumer = KafkaClients.Consumer(cluster.BootstrapServers, c => c.GroupId = Group);
            var committed = consumer.Committed([new TopicPartition(Topic, 0)], TimeSpan.FromSeconds(30));
            Assert.Equal(42, committed[0].Offset.Value);
        }
        catch
        {
            output.WriteLine(cluster.Logs(120));
            throw;
        }
    }

    [Fact]
    public async Task BrokerWhoseRegistrationVanishedStopsLeadingAndRegistersAgain()
    {
        await using var cluster = await FjordTestCluster.StartAsync(FjordTestClusterOptions.FaultTolerant(azurite.Host, 1));
        try
        {
            await cluster.CreateTopicAsync(Topic, 1, 1);
            var table = new TableServiceClient(azurite.Host.ConnectionString).GetTableClient(cluster.MetadataTable);
            var before = (await cluster.Store.ListBrokersAsync(CancellationToken.None)).Single();

            await table.DeleteEntityAsync("cluster", "b_" + 0.ToString("D10", CultureInfo.InvariantCulture));
            await cluster.ChildProcess(0).WaitForOutputAsync("its registration is gone", Timeout);
            await cluster.ChildProcess(0).WaitForOutputAsync("serves again", Timeout);

            var after = (await cluster.Store.ListBrokersAsync(CancellationToken.None)).Single();
            Assert.NotEqual(before.IncarnationId, after.IncarnationId);
            await AssertProduceWorksAsync(cluster);
        }
        catch
        {
            output.WriteLine(cluster.Logs(120));
            throw;
        }
    }

    private static async Task FillAsync(FjordTestCluster cluster)
    {
        await cluster.CreateTopicAsync(Topic, Partitions, 3, new() { ["min.insync.replicas"] = "2" });
        await cluster.WaitForFullIsrAsync(Topic, Partitions, Timeout);
        using var producer = KafkaClients.Producer(KafkaClients.ProducerConfig(cluster.BootstrapServers));
        var deliveries = Enumerable.Range(0, Records).Select(i => producer.ProduceAsync(
            new TopicPartition(Topic, i % Partitions),
            new Message<byte[], byte[]> { Key = [], Value = Encoding.UTF8.GetBytes(Value(i)) })).ToList();
        var results = await Task.WhenAll(deliveries);
        Assert.All(results, r => Assert.Equal(PersistenceStatus.Persisted, r.Status));
    }

    private static async Task CommitGroupOffsetAsync(FjordTestCluster cluster)
    {
        using var consumer = KafkaClients.Consumer(cluster.BootstrapServers, c => c.GroupId = Group);
        await Poll.UntilAsync(() =>
        {
            try
            {
                consumer.Commit([new TopicPartitionOffset(Topic, 0, 42)]);
                return true;
            }
            catch (KafkaException)
            {
                return false;
            }
        }, Timeout, "an offset commit");
    }

    private static string Value(int i) => "record-" + i.ToString(CultureInfo.InvariantCulture);

    /// <summary>Each replica's committed bytes of each partition, keyed by node and partition.</summary>
    private static Dictionary<(int Node, int Partition), byte[]> CommittedLogs(FjordTestCluster cluster)
    {
        var logs = new Dictionary<(int, int), byte[]>();
        for (var p = 0; p < Partitions; p++)
        {
            var highWatermark = cluster.HighWatermark(Topic, p);
            foreach (var (node, bytes) in ReplicaLogFiles.CommittedBytes(cluster, Topic, p, cluster.Brokers.Select(n => n.NodeId), highWatermark))
                logs[(node, p)] = bytes;
        }
        Assert.All(logs.Values, bytes => Assert.NotEmpty(bytes));
        return logs;
    }

    private static void AssertLogsUnchanged(Dictionary<(int Node, int Partition), byte[]> before, FjordTestCluster cluster)
    {
        foreach (var ((node, partition), bytes) in before)
        {
            var now = ReplicaLogFiles.CommittedBytes(cluster[node].LogDir, Topic, partition, long.MaxValue);
            Assert.True(now.AsSpan().StartsWith(bytes), $"broker {node} lost committed bytes of {Topic}-{partition}: {bytes.Length} before, {now.Length} now");
        }
    }

    private static async Task AllRunningBrokersStopServingAsync(FjordTestCluster cluster)
    {
        foreach (var node in cluster.Brokers.Where(n => n.IsRunning))
            await Poll.UntilAsync(() => node.Output.Contains("stops serving", StringComparison.Ordinal)
                || node.Output.Contains("is fenced", StringComparison.Ordinal), Timeout, $"broker {node.NodeId} to fence itself");
    }

    private static async Task AssertProduceIsRefusedAsync(FjordTestCluster cluster)
    {
        var config = KafkaClients.ProducerConfig(cluster.BootstrapServers);
        config.MessageTimeoutMs = 3_000;
        using var producer = KafkaClients.Producer(config);
        await Assert.ThrowsAsync<ProduceException<byte[], byte[]>>(() => producer.ProduceAsync(new TopicPartition(Topic, 0),
            new Message<byte[], byte[]> { Key = [], Value = [1] }));
    }

    private static async Task AssertProduceWorksAsync(FjordTestCluster cluster)
    {
        using var producer = KafkaClients.Producer(KafkaClients.ProducerConfig(cluster.BootstrapServers));
        var result = await producer.ProduceAsync(new TopicPartition(Topic, 0), new Message<byte[], byte[]> { Key = [], Value = [1] });
        Assert.Equal(PersistenceStatus.Persisted, result.Status);
    }

    private static async Task AssertEveryRecordReadableAsync(FjordTestCluster cluster)
    {
        var wanted = Enumerable.Range(0, Records).Select(Value).ToHashSet();
        using var consumer = KafkaClients.Consumer(cluster.BootstrapServers);
        consumer.Assign(Enumerable.Range(0, Partitions).Select(p => new TopicPartitionOffset(Topic, p, Offset.Beginning)));
        await Poll.UntilAsync(() =>
        {
            while (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { } record)
            {
                if (!record.IsPartitionEOF) wanted.Remove(Encoding.UTF8.GetString(record.Message.Value));
                if (wanted.Count == 0) break;
            }
            return wanted.Count == 0;
        }, Timeout, $"every acked record to be readable ({wanted.Count} of {Records} missing)");
    }

    private static async Task<bool> TableExistsAsync(TableServiceClient service, string table)
    {
        await foreach (var item in service.QueryAsync(t => t.Name == table))
            return true;
        return false;
    }
}
