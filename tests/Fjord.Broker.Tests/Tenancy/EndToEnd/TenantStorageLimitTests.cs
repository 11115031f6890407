using System.Globalization;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Fjord.Broker.Tests.Infrastructure;
using Fjord.ControlPlane.Tenants;
using Fjord.Protocol;
using Fjord.Security.Tenancy;
using Fjord.Testing;
using Fjord.Testing.Records;
using ErrorCode = Confluent.Kafka.ErrorCode;

namespace Fjord.Broker.Tests.Tenancy.EndToEnd;

/// <summary>
/// A tenant's retained bytes (local + tiered) are limited: once its figure reaches the limit, produce to its topics
/// is refused with POLICY_VIOLATION naming the limit, nothing acknowledged is lost, other tenants go on, and a
/// raised limit lets the producer through again.
/// </summary>
[Collection(BrokerCollection.Name)]
public sealed class TenantStorageLimitTests(TenantClusterFixture fixture) : IClassFixture<TenantClusterFixture>
{
    private const long Limit = 256 * 1024;
    private const int SegmentBytes = 16 * 1024;
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task ProduceIsRefusedWithPolicyViolationAtTheRetainedBytesLimitUntilTheLimitIsRaised()
    {
        var full = await fixture.TenantAsync("storage-full", new TenantLimits(MaxRetainedBytes: Limit));
        var roomy = await fixture.TenantAsync("storage-roomy", new TenantLimits(MaxRetainedBytes: 64 * 1024 * 1024));
        await CreateTieredTopicAsync(full);
        await CreateTieredTopicAsync(roomy);
        var broker = fixture.Cluster.InProcess(0);
        var storage = broker.TenantStorage!;

        var acked = new List<string>();
        Error? refusal = null;
        using (var producer = fixture.TenantProducer(full, c => c.BatchSize = SegmentBytes / 4))
        {
            var payload = new string('x', 500);
            var sent = 0;
            var deadline = DateTime.UtcNow + Generous;
            while (refusal is null)
            {
                Assert.True(DateTime.UtcNow < deadline, $"produce was never refused; {acked.Count} records acknowledged, tenant at {storage.ClusterRetainedBytes(full.Tenant.Id)} bytes");
                // A chunk at a time, so the producer keeps going only as fast as it is answered.
                var reports = new List<DeliveryReport<string, string>>();
                for (var i = 0; i < 20; i++, sent++)
                    producer.Produce("data", new Message<string, string> { Key = sent.ToString(CultureInfo.InvariantCulture), Value = payload }, r => { lock (reports) reports.Add(r); });
                Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(30)));
                foreach (var report in reports)
                {
                    if (!report.Error.IsError) acked.Add(report.Message.Key);
                    else refusal ??= report.Error;
                }
            }
        }

        Assert.Equal(ErrorCode.PolicyViolation, refusal.Code);
        // librdkafka reports only the code; the message the broker sent with it (Produce v8+) is read raw.
        var message = await RawProduceErrorAsync(full, "data");
        Assert.Equal((short)Fjord.Protocol.ErrorCode.PolicyViolation, message.Code);
        Assert.StartsWith($"Tenant {full.Tenant.Id} has reached its limit of {Limit} retained bytes (using ", message.Text, StringComparison.Ordinal);
        Assert.EndsWith("); delete records or topics, or ask for a higher limit", message.Text, StringComparison.Ordinal);
        Assert.True(acked.Count * 500L >= Limit / 2, $"refused after only {acked.Count} records");

        // Tiered bytes count: once uploaded segments are trimmed locally, the local log is well under the limit
        // while the tenant's figure, and the refusal, stay.
        var log = broker.Replicas.GetHosted(full.Tenant.Id + ".data", 0)!.Log;
        await Poll.UntilAsync(() => log.Size < Limit / 2 && storage.ClusterRetainedBytes(full.Tenant.Id) >= Limit, Generous,
            "uploaded segments to leave the local log while the tenant's figure still counts them");
        Assert.Equal(storage.ClusterRetainedBytes(full.Tenant.Id), storage.LocalRetainedBytes(full.Tenant.Id));
        using (var producer = fixture.TenantProducer(full))
        {
            var again = await Assert.ThrowsAsync<ProduceException<string, string>>(() => producer.ProduceAsync("data", new Message<string, string> { Key = "k", Value = "v" }));
            Assert.Equal(ErrorCode.PolicyViolation, again.Error.Code);
        }

        // Nothing acknowledged was lost, tiered part included.
        using (var consumer = fixture.TenantConsumer(full, "check"))
        {
            consumer.Assign(new TopicPartitionOffset("data", 0, Offset.Beginning));
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var deadline = DateTime.UtcNow + Generous;
            while (!seen.IsSupersetOf(acked) && DateTime.UtcNow < deadline)
                if (consumer.Consume(TimeSpan.FromMilliseconds(500)) is { Message: { } record }) seen.Add(record.Key);
            var missing = acked.Where(k => !seen.Contains(k)).ToList();
            Assert.True(missing.Count == 0, $"{missing.Count} of {acked.Count} acknowledged records not read back (read {seen.Count}), e.g. {string.Join(',', missing.Take(10))}");
        }

        // The tenant next door is not held back.
        using (var producer = fixture.TenantProducer(roomy))
        {
            for (var i = 0; i < 10; i++)
                await producer.ProduceAsync("data", new Message<string, string> { Key = i.ToString(CultureInfo.InvariantCulture), Value = "fine" });
        }
        Assert.Null(storage.RefusalFor(roomy.Tenant.Id + ".data"));

        // A higher limit lets the producer through once the broker has the new limit and a usage tick has run.
        await fixture.Tenants.SetLimitsAsync(full.Tenant.Id, new TenantLimits(MaxRetainedBytes: 64 * 1024 * 1024), CancellationToken.None);
        using (var producer = fixture.TenantProducer(full))
        {
            await Poll.UntilAsync(async () =>
            {
                try
                {
                    await producer.ProduceAsync("data", new Message<string, string> { Key = "after", Value = "raised" });
                    return true;
                }
                catch (ProduceException<string, string> e) when (e.Error.Code == ErrorCode.PolicyViolation)
                {
                    return false;
                }
            }, Generous, "produce to go through after the limit was raised");
        }
    }

    private async Task<(short Code, string? Text)> RawProduceErrorAsync(CreatedTenant tenant, string topic)
    {
        await using var client = await RawKafkaClient.ConnectTlsAsync(fixture.SaslBootstrap, fixture.Security.CaPath);
        await client.AuthenticateScramAsync(tenant.Admin.Username, tenant.Admin.Password);
        var data = new ProduceRequest.TopicProduceData { Name = topic };
        data.PartitionData.Add(new ProduceRequest.PartitionProduceData { Index = 0, Records = new RecordBatchBuilder().Add("raw", "refused?").Build() });
        var request = new ProduceRequest { Acks = -1, TimeoutMs = 5_000 };
        request.TopicData.Add(data);
        var response = await client.SendAsync<ProduceResponse>(request, 9);
        var partition = Assert.Single(Assert.Single(response.Responses).PartitionResponses);
        return (partition.ErrorCode, partition.ErrorMessage);
    }

    /// <summary>Small segments tiered early and trimmed locally to one, so most of the tenant's bytes soon live only in Blob storage.</summary>
    private async Task CreateTieredTopicAsync(CreatedTenant tenant)
    {
        using var admin = fixture.TenantAdmin(tenant);
        await admin.CreateTopicsAsync([new TopicSpecification
        {
            Name = "data",
            NumPartitions = 1,
            ReplicationFactor = 1,
            Configs = new Dictionary<string, string>
            {
                ["remote.storage.enable"] = "true",
                ["segment.bytes"] = SegmentBytes.ToString(CultureInfo.InvariantCulture),
                ["local.retention.bytes"] = SegmentBytes.ToString(CultureInfo.InvariantCulture),
            },
        }]);
    }
}
