using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Fjord.Broker.Tests.Infrastructure;
using Fjord.Cluster;
using Fjord.Testing;

namespace Fjord.Broker.Tests.Tiering;

/// <summary>
/// A tiered topic deleted by writing its tombstone only (as the control plane deletes, with no DeleteTopics request
/// to any broker) still loses its blobs and manifest rows: the controller sweeps deleted topics' Blob tier.
/// </summary>
[Collection(BrokerCollection.Name)]
public sealed class DeletedTopicTierSweepTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task ATopicDeletedInTheMetadataStoreAloneHasItsBlobTierRemoved()
    {
        await using var host = await FjordTestCluster.StartAsync(azurite.Host, new Dictionary<string, string>
        {
            ["remote.log.manager.task.interval.ms"] = "200",
        });
        const string topic = "tiered-swept";
        using (var admin = KafkaClients.Admin(host.BootstrapServers))
            await admin.CreateTopicsAsync([new TopicSpecification
            {
                Name = topic, NumPartitions = 1, ReplicationFactor = 1,
                Configs = new() { ["remote.storage.enable"] = "true", ["segment.bytes"] = "65536", ["retention.ms"] = "-1" },
            }]);
        using (var producer = KafkaClients.Producer(KafkaClients.ProducerConfig(host.BootstrapServers, Acks.All)))
        {
            var value = new byte[512];
            // Flushed in small rounds: one batch bigger than segment.bytes would make a single segment that never closes.
            for (var round = 0; round < 20; round++)
            {
                for (var i = 0; i < 100; i++) producer.Produce(topic, new Message<byte[], byte[]> { Value = value });
                Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(60)));
            }
        }

        var config = host.InProcess().Config;
        var topicId = host.InProcess().Replicas.GetHosted(topic, 0)!.Log.TopicId;
        var container = new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient(config.TieringContainer);
        var manifest = new TableServiceClient(azurite.ConnectionString).GetTableClient(config.TieringManifestTable);
        var prefix = topicId.ToString("N") + "_";
        bool ManifestHasRows() => manifest.Query<TableEntity>(e => e.PartitionKey.CompareTo(prefix) >= 0 && e.PartitionKey.CompareTo(prefix + "~") < 0).Any();
        async Task<int> BlobCountAsync()
        {
            var count = 0;
            await foreach (var _ in container.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, topicId.ToString("D") + "/", CancellationToken.None)) count++;
            return count;
        }
        await Poll.UntilAsync(async () => await BlobCountAsync() >= 8 && ManifestHasRows(), TimeSpan.FromSeconds(60), "segments of the topic to reach Blob storage");

        var store = new TableMetadataStore(new TableServiceClient(azurite.ConnectionString), config.MetadataTableName);
        Assert.True(await store.DeleteTopicAsync(topic, topicId, CancellationToken.None));

        await Poll.UntilAsync(async () => await BlobCountAsync() == 0, TimeSpan.FromSeconds(60), "the deleted topic's blobs to be removed");
        await Poll.UntilAsync(() => !ManifestHasRows(), TimeSpan.FromSeconds(60), "the deleted topic's manifest rows to be removed");
    }
}
