using System.Collections.Concurrent;
using System.Text;
using Confluent.Kafka;
using Fjord.Broker.Tests.Infrastructure;
using Fjord.Testing;

namespace Fjord.Broker.Tests;

/// <summary>Brokers as child processes, killed with SIGKILL mid-write and started again on the same data.</summary>
[Collection(BrokerCollection.Name)]
public sealed class DurabilityTests(AzuriteFixture azurite)
{
    private Task<FjordTestCluster> StartAsync(Dictionary<string, string>? extra = null) =>
        FjordTestCluster.StartAsync(new FjordTestClusterOptions
        {
            Hosting = BrokerHosting.ChildProcess,
            Azurite = azurite.Host,
            Settings = new Dictionary<string, string>
            {
                ["log.segment.bytes"] = "1048576",
                ["fjord.log.level"] = "Warning",
            },
        }.WithSettings(extra));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task EveryAcknowledgedMessageSurvivesAKillDuringHeavyProduce(bool flushEveryMessage)
    {
        var extra = flushEveryMessage ? new Dictionary<string, string> { ["log.flush.interval.messages"] = "1" } : null;
        await using var cluster = await StartAsync(extra);
        var broker = cluster[0];
        const string topic = "killed";
        await KafkaClients.CreateTopicAsync(broker.BootstrapServers, topic, 2);

        var acknowledged = new ConcurrentDictionary<(int Partition, long Offset), string>();
        var config = KafkaClients.ProducerConfig(broker.BootstrapServers, Acks.All);
        config.MessageTimeoutMs = 5000;
        config.LingerMs = 2;
        using (var producer = KafkaClients.Producer(config))
        {
            var killed = false;
            for (var i = 0; i < 400_000 && !killed; i++)
            {
                var value = $"message-{i}-" + new string('x', i % 200);
                try
                {
                    producer.Produce(new TopicPartition(topic, i % 2), new Message<byte[], byte[]> { Value = Encoding.UTF8.GetBytes(value) }, report =>
                    {
                        if (!report.Error.IsError) acknowledged[(report.Partition.Value, report.Offset.Value)] = value;
                    });
                }
                catch (ProduceException<byte[], byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
                {
                    producer.Poll(TimeSpan.FromMilliseconds(20));
                    i--;
                }
                if (!killed && acknowledged.Count >= 60_000)
                {
                    // Kill while thousands of writes are still in flight.
                    await cluster.KillAsync(0);
                    killed = true;
                }
            }
            Assert.True(killed, "the broker was never killed: too few acknowledgements");
            producer.Flush(TimeSpan.FromSeconds(30));
        }

        await cluster.StartAsync(0);
        var restarted = cluster[0];
        var expectedPerPartition = acknowledged.Keys.GroupBy(k => k.Partition).ToDictionary(g => g.Key, g => g.Max(k => k.Offset) + 1);
        var consumed = KafkaClients.ReadAll(restarted.BootstrapServers, topic, 2,
            p => (int)expectedPerPartition.GetValueOrDefault(p), TimeSpan.FromSeconds(60));
        for (var p = 0; p < 2; p++)
        {
            var records = consumed[p];
            // Offsets are dense from 0: no hole where a torn batch was cut out of the middle.
            Assert.Equal(Enumerable.Range(0, records.Count).Select(o => (long)o), records.Select(r => r.Offset.Value));
        }
        var byOffset = consumed.SelectMany(kv => kv.Value).ToDictionary(r => (r.Partition.Value, r.Offset.Value), r => Encoding.UTF8.GetString(r.Message.Value));
        foreach (var ((partition, offset), value) in acknowledged)
        {
            Assert.True(byOffset.TryGetValue((partition, offset), out var found), $"acknowledged {partition}/{offset} is missing after the kill");
            Assert.Equal(value, found);
        }
        await cluster.StopAsync(0);
    }

    [Fact]
    public async Task ACleanStopSkipsRecoveryAndKeepsEverything()
    {
        await using var cluster = await StartAsync();
        var broker = cluster[0];
        await KafkaClients.CreateTopicAsync(broker.BootstrapServers, "kept", 1);
        using (var producer = KafkaClients.Producer(KafkaClients.ProducerConfig(broker.BootstrapServers)))
        {
            for (var i = 0; i < 5000; i++) producer.Produce("kept", new Message<byte[], byte[]> { Value = BitConverter.GetBytes(i) });
            Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(30)));
        }
        await cluster.StopAsync(0);
        Assert.True(File.Exists(Path.Combine(broker.LogDir, ".kafka_cleanshutdown")), "a clean stop leaves the clean-shutdown marker");

        await cluster.StartAsync(0);
        var restarted = cluster[0];
        var consumed = KafkaClients.ReadAll(restarted.BootstrapServers, "kept", 1, _ => 5000, TimeSpan.FromSeconds(30));
        Assert.Equal(Enumerable.Range(0, 5000), consumed[0].Select(r => BitConverter.ToInt32(r.Message.Value)));
        await cluster.StopAsync(0);
    }
}
