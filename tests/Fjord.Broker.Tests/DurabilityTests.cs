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
    private Dictionary<string, string> Settings(TempDirectory data, string table, int port, Dictionary<string, string>? extra = null)
    {
        var settings = new Dictionary<string, string>
        {
            ["node.id"] = "0",
            ["listeners"] = $"PLAINTEXT://127.0.0.1:{port}",
            ["log.dirs"] = data.Path,
            ["fjord.metadata.connection.string"] = azurite.ConnectionString,
            ["fjord.metadata.table"] = table,
            ["log.segment.bytes"] = "1048576",
            ["fjord.log.level"] = "Warning",
        };
        foreach (var (k, v) in extra ?? []) settings[k] = v;
        return settings;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task EveryAcknowledgedMessageSurvivesAKillDuringHeavyProduce(bool flushEveryMessage)
    {
        using var data = new TempDirectory("fjord-kill");
        var table = FjordTestCluster.NewTableName();
        var extra = flushEveryMessage ? new Dictionary<string, string> { ["log.flush.interval.messages"] = "1" } : null;
        var broker = await BrokerProcess.StartAsync(Settings(data, table, 0, extra));
        var port = int.Parse(broker.BootstrapServers.Split(':')[1], System.Globalization.CultureInfo.InvariantCulture);
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
                    await broker.KillAsync();
                    killed = true;
                }
            }
            Assert.True(killed, "the broker was never killed: too few acknowledgements");
            producer.Flush(TimeSpan.FromSeconds(30));
        }
        await broker.DisposeAsync();

        await using var restarted = await BrokerProcess.StartAsync(Settings(data, table, port, extra));
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
        await restarted.StopAsync();
    }

    [Fact]
    public async Task ACleanStopSkipsRecoveryAndKeepsEverything()
    {
        using var data = new TempDirectory("fjord-clean");
        var table = FjordTestCluster.NewTableName();
        var broker = await BrokerProcess.StartAsync(Settings(data, table, 0));
        var port = int.Parse(broker.BootstrapServers.Split(':')[1], System.Globalization.CultureInfo.InvariantCulture);
        await KafkaClients.CreateTopicAsync(broker.BootstrapServers, "kept", 1);
        using (var producer = KafkaClients.Producer(KafkaClients.ProducerConfig(broker.BootstrapServers)))
        {
            for (var i = 0; i < 5000; i++) producer.Produce("kept", new Message<byte[], byte[]> { Value = BitConverter.GetBytes(i) });
            Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(30)));
        }
        await broker.StopAsync();
        await broker.DisposeAsync();
        Assert.True(File.Exists(Path.Combine(data.Path, ".kafka_cleanshutdown")), "a clean stop leaves the clean-shutdown marker");

        await using var restarted = await BrokerProcess.StartAsync(Settings(data, table, port));
        var consumed = KafkaClients.ReadAll(restarted.BootstrapServers, "kept", 1, _ => 5000, TimeSpan.FromSeconds(30));
        Assert.Equal(Enumerable.Range(0, 5000), consumed[0].Select(r => BitConverter.ToInt32(r.Message.Value)));
        await restarted.StopAsync();
    }
}
