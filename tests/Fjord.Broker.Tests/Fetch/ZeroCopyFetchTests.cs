using Confluent.Kafka;
using Fjord.Broker.Network;
using Fjord.Broker.Tests.Infrastructure;
using Fjord.Protocol;
using Fjord.Testing;

namespace Fjord.Broker.Tests.Fetch;

/// <summary>
/// The fetch data path as the redesign promises it: hot records travel from the segment file to the
/// socket by sendfile (no byte of them copied into managed memory), and a long-polling fetch reads
/// each partition's log once, when it completes, not on every wake-up.
/// </summary>
[Collection(BrokerCollection.Name)]
public sealed class ZeroCopyFetchTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private FjordTestCluster _broker = null!;

    public async Task InitializeAsync() => _broker = await FjordTestCluster.StartAsync(azurite.Host);

    public async Task DisposeAsync() => await _broker.DisposeAsync();

    [Fact]
    public async Task AConsumerFetchSendsHotRecordsFromTheFileWithoutCopyingThem()
    {
        const string topic = "zero-copy";
        const int records = 2_000;
        await KafkaClients.CreateTopicAsync(_broker.BootstrapServers, topic, 2);
        var value = new byte[1024];
        Random.Shared.NextBytes(value);
        using (var producer = KafkaClients.Producer(KafkaClients.ProducerConfig(_broker.BootstrapServers, Acks.Leader)))
        {
            for (var i = 0; i < records; i++) producer.Produce(new TopicPartition(topic, i % 2), new Message<byte[], byte[]> { Value = value });
            Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(60)));
        }
        var copiedBefore = FileRecords.TotalBytesCopied;
        var transportCopiedBefore = FileRegion.BytesCopied;
        var sentBefore = KafkaConnection.BytesSentFromFiles;

        var consumed = KafkaClients.ReadAll(_broker.BootstrapServers, topic, 2, _ => records / 2, TimeSpan.FromSeconds(60));

        Assert.Equal(records, consumed.Values.Sum(list => list.Count));
        Assert.All(consumed.Values.SelectMany(list => list), r => Assert.Equal(value, r.Message.Value));
        Assert.True(KafkaConnection.BytesSentFromFiles - sentBefore >= records * value.Length,
            $"only {KafkaConnection.BytesSentFromFiles - sentBefore} bytes went out by sendfile");
        Assert.Equal(0, FileRecords.TotalBytesCopied - copiedBefore);
        Assert.Equal(0, FileRegion.BytesCopied - transportCopiedBefore);
    }

    [Fact]
    public async Task ALongPollingFetchReadsEachPartitionsLogOnceAndWakesOnTheFirstAppend()
    {
        const string topic = "long-poll-once";
        await KafkaClients.CreateTopicAsync(_broker.BootstrapServers, topic, 3);
        var replicas = _broker.InProcess().Replicas;
        var logs = await Poll.UntilAsync(() => Enumerable.Range(0, 3).Select(p => replicas.GetHosted(topic, p)).ToArray() is var hosted && hosted.All(h => h is { IsLeader: true })
            ? hosted.Select(h => h!.Log).ToArray() : null, TimeSpan.FromSeconds(30), "the topic's leaders");
        var readsBefore = logs.Select(l => l.ReadCount).ToArray();

        await using var client = await RawKafkaClient.ConnectAsync(_broker.BootstrapServers);
        var request = new FetchRequest { ReplicaId = -1, MaxWaitMs = 20_000, MinBytes = 1, MaxBytes = 1 << 20, SessionEpoch = -1 };
        var fetchTopic = new FetchRequest.FetchTopic { Topic = topic };
        for (var p = 0; p < 3; p++)
            fetchTopic.Partitions.Add(new FetchRequest.FetchPartition { Partition = p, FetchOffset = 0, PartitionMaxBytes = 1 << 20, CurrentLeaderEpoch = -1, LogStartOffset = -1 });
        request.Topics.Add(fetchTopic);
        var pending = client.SendAsync<FetchResponse>(request, 11, TimeSpan.FromSeconds(60));
        await Poll.UntilAsync(() => replicas.DelayedFetches == 1, TimeSpan.FromSeconds(30), "the fetch to wait in the purgatory");
        // Waiting costs no reads: the fetch was parked without touching a log.
        Assert.Equal(readsBefore, logs.Select(l => l.ReadCount).ToArray());

        using (var producer = KafkaClients.Producer(KafkaClients.ProducerConfig(_broker.BootstrapServers, Acks.Leader)))
        {
            await producer.ProduceAsync(new TopicPartition(topic, 1), new Message<byte[], byte[]> { Value = [1, 2, 3] });
        }
        var response = await pending;

        var partitions = response.Responses.Single().Partitions.OrderBy(p => p.PartitionIndex).ToList();
        Assert.Equal(3, partitions.Count);
        Assert.True(partitions[1].Records is { Length: > 0 });
        Assert.All(new[] { 0, 2 }, p => Assert.True(partitions[p].Records is null or { Length: 0 }));
        Assert.Equal(readsBefore.Select(r => r + 1).ToArray(), logs.Select(l => l.ReadCount).ToArray());
        Assert.Equal(0, replicas.DelayedFetches);
    }
}
