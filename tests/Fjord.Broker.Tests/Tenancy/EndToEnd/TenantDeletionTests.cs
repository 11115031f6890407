using System.Globalization;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Fjord.Broker.Tests.Infrastructure;
using Fjord.ControlPlane.Tenants;
using Fjord.Protocol;
using Fjord.Security.Authorization;
using Fjord.Security.Credentials;
using Fjord.Testing;

namespace Fjord.Broker.Tests.Tenancy.EndToEnd;

/// <summary>
/// Deleting a tenant removes exactly its data: its topics' local directories, tiered blobs and manifest rows, its
/// groups' committed offsets, its ACLs and users, then the tenant itself; a bystander tenant keeps all of its own.
/// Checked by listing what is left in every store.
/// </summary>
[Collection(BrokerCollection.Name)]
public sealed class TenantDeletionTests(TenantClusterFixture fixture) : IClassFixture<TenantClusterFixture>
{
    private const int SegmentBytes = 16 * 1024;
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task DeletingATenantRemovesExactlyItsDataInEveryStore()
    {
        var doomed = await fixture.TenantAsync("doomed");
        var bystander = await fixture.TenantAsync("bystander");
        var doomedId = await FillAsync(doomed);
        var bystanderId = await FillAsync(bystander);
        var broker = fixture.Cluster.InProcess(0);
        var container = new BlobServiceClient(fixture.StorageConnectionString).GetBlobContainerClient(broker.Config.TieringContainer);
        await Poll.UntilAsync(async () => await CountBlobsAsync(container, doomedId) > 0 && await CountBlobsAsync(container, bystanderId) > 0, Generous,
            "both tenants' closed segments to be tiered to Blob storage");

        await fixture.Tenants.DeleteAsync(doomed.Tenant.Id, CancellationToken.None);
        Assert.True(await fixture.Tenants.WaitForDeletionAsync(doomed.Tenant.Id, Generous, CancellationToken.None), "the tenant row outlived the reaper's bound");

        var prefix = doomed.Tenant.Id + ".";
        using (var admin = fixture.Admin())
        {
            var topics = admin.GetMetadata(TimeSpan.FromSeconds(10)).Topics.Select(t => t.Topic).ToList();
            Assert.DoesNotContain(topics, t => t.StartsWith(prefix, StringComparison.Ordinal));
            Assert.Contains(bystander.Tenant.Id + ".orders", topics);
            var groups = await admin.ListConsumerGroupsAsync();
            Assert.DoesNotContain(groups.Valid, g => g.GroupId.StartsWith(prefix, StringComparison.Ordinal));
        }

        // Users and ACLs as their stores hold them: what is left is exactly the bystander's (and the operator's).
        var tables = new TableServiceClient(fixture.StorageConnectionString);
        var (acls, _) = await new TableAclStore(tables, fixture.Cluster.AclTable).LoadAsync(CancellationToken.None);
        Assert.DoesNotContain(acls, b => b.Pattern.Name.StartsWith(prefix, StringComparison.Ordinal) || b.Entry.Principal.StartsWith("User:" + prefix, StringComparison.Ordinal));
        Assert.Contains(acls, b => b.Entry.Principal == "User:" + bystander.Admin.Username);
        var (users, _) = await new TableScramCredentialStore(tables, fixture.Cluster.ScramTable).LoadAsync(CancellationToken.None);
        Assert.DoesNotContain(users, u => u.User.StartsWith(prefix, StringComparison.Ordinal));
        Assert.Contains(users, u => u.User == bystander.Admin.Username);

        await Poll.UntilAsync(() => !Directory.EnumerateDirectories(broker.LogDir).Any(d => Path.GetFileName(d).StartsWith(prefix, StringComparison.Ordinal)),
            Generous, "the deleted tenant's partition directories to be removed");
        Assert.Contains(Directory.EnumerateDirectories(broker.LogDir), d => Path.GetFileName(d).StartsWith(bystander.Tenant.Id + ".orders-", StringComparison.Ordinal));
        await Poll.UntilAsync(async () => await CountBlobsAsync(container, doomedId) == 0, Generous, "the deleted tenant's blobs to be removed");
        Assert.True(await CountBlobsAsync(container, bystanderId) > 0, "the bystander's blobs went too");
        var manifest = new TableServiceClient(fixture.StorageConnectionString).GetTableClient(broker.Config.TieringManifestTable);
        await Poll.UntilAsync(() => ManifestRows(manifest, doomedId) == 0, Generous, "the deleted tenant's manifest rows to be removed");
        Assert.True(ManifestRows(manifest, bystanderId) > 0, "the bystander's manifest rows went too");

        var offsets = new TableServiceClient(fixture.StorageConnectionString).GetTableClient(fixture.Cluster.OffsetsTable);
        Assert.DoesNotContain(offsets.Query<TableEntity>(), e => e.PartitionKey.Contains(prefix, StringComparison.Ordinal) || e.RowKey.Contains(prefix, StringComparison.Ordinal));

        // And the bystander still reads all of its records back.
        using var consumer = fixture.TenantConsumer(bystander, "after-deletion");
        consumer.Assign(new TopicPartitionOffset("orders", 0, Offset.Beginning));
        var read = 0;
        await Poll.UntilAsync(() => (consumer.Consume(TimeSpan.FromMilliseconds(200)) is not null ? ++read : read) >= 300, Generous, "the bystander's records");
    }

    /// <summary>A tiered topic with enough records to close segments, a group with committed offsets; returns the topic's id.</summary>
    private async Task<Guid> FillAsync(CreatedTenant tenant)
    {
        using (var admin = fixture.TenantAdmin(tenant))
        {
            await admin.CreateTopicsAsync([new TopicSpecification
            {
                Name = "orders",
                NumPartitions = 1,
                ReplicationFactor = 1,
                Configs = new Dictionary<string, string>
                {
                    ["remote.storage.enable"] = "true",
                    ["segment.bytes"] = SegmentBytes.ToString(CultureInfo.InvariantCulture),
                },
            }]);
        }
        // Batches well under a segment: a batch larger than segment.bytes is refused, as in Kafka.
        using (var producer = fixture.TenantProducer(tenant, c => c.BatchSize = SegmentBytes / 4))
        {
            var payload = new string('x', 200);
            var failed = 0;
            for (var i = 0; i < 400; i++)
                producer.Produce("orders", new Message<string, string> { Key = i.ToString(CultureInfo.InvariantCulture), Value = payload },
                    report => { if (report.Error.IsError) Interlocked.Increment(ref failed); });
            Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(30)));
            Assert.Equal(0, failed);
        }
        using (var consumer = fixture.TenantConsumer(tenant, "billing"))
        {
            consumer.Subscribe("orders");
            await Poll.UntilAsync(() => consumer.Consume(TimeSpan.FromMilliseconds(500)) is not null, Generous, "a record for group billing");
            consumer.Commit();
            consumer.Close();
        }

        await using var client = await RawKafkaClient.ConnectTlsAsync(fixture.SaslBootstrap, fixture.Security.CaPath);
        await client.AuthenticateScramAsync(TestSecurity.AdminUser, TestSecurity.AdminPassword);
        var metadata = await client.SendAsync<MetadataResponse>(new MetadataRequest
        {
            Topics = [new MetadataRequest.MetadataRequestTopic { Name = tenant.Tenant.Id + ".orders" }],
            AllowAutoTopicCreation = false,
        }, 12);
        return Assert.Single(metadata.Topics).TopicId;
    }

    private static async Task<int> CountBlobsAsync(BlobContainerClient container, Guid topicId)
    {
        if (!await container.ExistsAsync()) return 0;
        var count = 0;
        await foreach (var _ in container.GetBlobsAsync(BlobTraits.None, BlobStates.None, topicId.ToString("D") + "/", CancellationToken.None)) count++;
        return count;
    }

    private static int ManifestRows(TableClient manifest, Guid topicId)
    {
        var prefix = topicId.ToString("N") + "_";
        return manifest.Query<TableEntity>(e => e.PartitionKey.CompareTo(prefix) >= 0 && e.PartitionKey.CompareTo(prefix + "~") < 0).Count();
    }
}

