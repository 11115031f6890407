using System.Text;
using Azure.Storage.Blobs;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Fjord.Broker.Tests.Infrastructure;
using Fjord.Testing;

namespace Fjord.Broker.Tests.Tiering;

/// <summary>
/// KIP-405 end to end on one broker and Azurite: closed segments move to Blob storage, the local
/// disk keeps only the hot tail, and consumers read the whole log as one.
/// </summary>
[Collection(BrokerCollection.Name)]
public sealed class TieredStorageTests(AzuriteFixture azurite)
{
    private const int Messages = 200_000;

    [Fact]
    public async Task AConsumerFromTheEarliestOffsetReadsEveryMessageAcrossTheTierBoundary()
    {
        await using var host = await FjordTestCluster.StartAsync(azurite.Host, new Dictionary<string, string>
        {
            ["remote.log.manager.task.interval.ms"] = "200",
        });
        const string topic = "tiered";
        using (var admin = KafkaClients.Admin(host.BootstrapServers))
            await admin.CreateTopicsAsync([new TopicSpecification
            {
                Name = topic, NumPartitions = 1, ReplicationFactor = 1,
                Configs = new() { ["remote.storage.enable"] = "true", ["segment.bytes"] = "1048576", ["local.retention.bytes"] = "3145728", ["retention.ms"] = "-1" },
            }]);
        var baseTimestamp = DateTimeOffset.UtcNow.AddDays(-1).ToUnixTimeMilliseconds();
        using (var producer = KafkaClients.Producer(KafkaClients.ProducerConfig(host.BootstrapServers, Acks.All)))
        {
            var failed = 0;
            string? firstError = null;
            for (var i = 0; i < Messages; i++)
            {
                var message = new Message<byte[], byte[]>
                {
                    Key = Encoding.UTF8.GetBytes($"k{i}"),
                    Value = Encoding.UTF8.GetBytes($"value-{i:D8}-{new string('x', 64)}"),
                    Timestamp = new Timestamp(baseTimestamp + i, TimestampType.CreateTime),
                };
                while (true)
                {
                    try
                    {
                        producer.Produce(topic, message, r =>
                        {
                            if (!r.Error.IsError) return;
                            Interlocked.Increment(ref failed);
                            Interlocked.CompareExchange(ref firstError, r.Error.ToString(), null);
                        });
                        break;
                    }
                    catch (ProduceException<byte[], byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
                    {
                        producer.Poll(TimeSpan.FromMilliseconds(50));
                    }
                }
            }
            Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(60)));
            Assert.True(failed == 0, $"{failed} messages failed, the first with {firstError}");
        }

        var log = host.InProcess().Replicas.GetHosted(topic, 0)!.Log;
        await Poll.UntilAsync(() => log.LocalLogStartOffset > Messages / 2 && log.Size <= 3145728 + 2 * 1048576,
            TimeSpan.FromSeconds(120), "most of the log to move to Blob storage and leave the local disk");
        Assert.Equal(0, log.LogStartOffset);

        var container = new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient(host.InProcess().Config.TieringContainer);
        var blobs = 0;
        await foreach (var _ in container.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, log.TopicId.ToString("D") + "/", CancellationToken.None)) blobs++;
        Assert.True(blobs >= 4 * 8, $"only {blobs} blobs for the topic");

        var read = KafkaClients.ReadAll(host.BootstrapServers, topic, 1, _ => Messages, TimeSpan.FromSeconds(120))[0];
        Assert.Equal(Messages, read.Count);
        for (var i = 0; i < Messages; i++)
        {
            Assert.Equal(i, read[i].Offset.Value);
            Assert.Equal($"value-{i:D8}-{new string('x', 64)}", Encoding.UTF8.GetString(read[i].Message.Value));
        }

        // A timestamp that lives only in Blob storage.
        using var consumer = KafkaClients.Consumer(host.BootstrapServers);
        var found = consumer.OffsetsForTimes([new TopicPartitionTimestamp(topic, 0, new Timestamp(baseTimestamp + 1234, TimestampType.CreateTime))], TimeSpan.FromSeconds(30));
        Assert.True(1234 < log.LocalLogStartOffset);
        Assert.Equal(1234, Assert.Single(found).Offset.Value);

        // KIP-1005: earliest-local (-4) is where the local tier starts, latest-tiered (-5) where Blob ends.
        await using (var raw = await RawKafkaClient.ConnectAsync(host.BootstrapServers))
        {
            async Task<long> OffsetFor(long timestamp)
            {
                var request = new Fjord.Protocol.ListOffsetsRequest { ReplicaId = -1 };
                request.Topics.Add(new Fjord.Protocol.ListOffsetsRequest.ListOffsetsTopic
                {
                    Name = topic,
                    Partitions = [new Fjord.Protocol.ListOffsetsRequest.ListOffsetsPartition { PartitionIndex = 0, Timestamp = timestamp, CurrentLeaderEpoch = -1 }],
                });
                var response = await raw.SendAsync<Fjord.Protocol.ListOffsetsResponse>(request, 9);
                var partition = Assert.Single(Assert.Single(response.Topics).Partitions);
                Assert.Equal(0, partition.ErrorCode);
                return partition.Offset;
            }
            Assert.Equal(log.LocalLogStartOffset, await OffsetFor(-4));
            var latestTiered = await OffsetFor(-5);
            Assert.True(latestTiered >= log.LocalLogStartOffset - 1 && latestTiered < Messages, $"latest tiered offset {latestTiered}");
        }

        // Deleting the topic removes its remote segments too.
        using (var admin = KafkaClients.Admin(host.BootstrapServers))
            await admin.DeleteTopicsAsync([topic]);
        await Poll.UntilAsync(async () =>
        {
            await foreach (var _ in container.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, log.TopicId.ToString("D") + "/", CancellationToken.None))
                return false;
            return true;
        }, TimeSpan.FromSeconds(60), "the deleted topic's blobs to be removed");
        // Nor does the manifest keep anything of it: no entry, no writer fence.
        var manifest = new Azure.Data.Tables.TableServiceClient(azurite.ConnectionString).GetTableClient(host.InProcess().Config.TieringManifestTable);
        var prefix = log.TopicId.ToString("N") + "_";
        await Poll.UntilAsync(() => !manifest.Query<Azure.Data.Tables.TableEntity>(e => e.PartitionKey.CompareTo(prefix) >= 0 && e.PartitionKey.CompareTo(prefix + "~") < 0).Any(),
            TimeSpan.FromSeconds(60), "the deleted topic's manifest rows to be removed");
    }
}
