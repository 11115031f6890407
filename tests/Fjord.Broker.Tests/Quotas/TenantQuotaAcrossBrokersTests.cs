using System.Diagnostics;
using System.Runtime.CompilerServices;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Fjord.Broker.Tests.Infrastructure;
using Fjord.ControlPlane.Tenants;
using Fjord.Protocol;
using Fjord.Testing;
using Xunit.Abstractions;

namespace Fjord.Broker.Tests.Quotas;

/// <summary>
/// A tenant's producer_byte_rate cap (the <c>tenant</c> entity type) is cluster-wide: with its partitions led by all
/// three brokers and a producer per broker offering four times the cap between them for thirty seconds, the tenant
/// gets its cap in total, not three times it, because each broker holds the tenant to a third of the cap.
/// </summary>
[Collection(BrokerCollection.Name)]
public sealed class TenantQuotaAcrossBrokersTests(ThreeBrokerTenantClusterFixture fixture, ITestOutputHelper output) : IClassFixture<ThreeBrokerTenantClusterFixture>
{
    private const int Brokers = 3;
    private const double Cap = Brokers * 128 * 1024;
    private const int RecordBytes = 1000;
    private const string Topic = "spread";
    // Long enough for each broker's first-window burst allowance to be paid back.
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(12);
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task ATenantSpreadOverThreeBrokersGetsItsCapInTotalNotThreeTimesIt()
    {
        var tenant = await fixture.TenantAsync("spread");
        foreach (var broker in fixture.Cluster.Brokers)
            await Poll.UntilAsync(() => CanLogInAsync(tenant, broker.NodeId), TimeSpan.FromSeconds(30), $"the tenant's admin to log in to broker {broker.NodeId}");

        using (var admin = fixture.TenantAdmin(tenant))
            await admin.CreateTopicsAsync([new TopicSpecification { Name = Topic, NumPartitions = 2 * Brokers, ReplicationFactor = 1 }]);
        var leaders = await LeadersAsync(tenant);
        Assert.Equal(fixture.Cluster.Brokers.Select(b => b.NodeId).Order(), leaders.Keys.Order());

        await SetTenantCapAsync(tenant.Tenant.Id);

        var throttles = new StrongBox<long>[Brokers];
        var producers = new List<IProducer<byte[], byte[]>>();
        try
        {
            for (var i = 0; i < Brokers; i++)
            {
                throttles[i] = new StrongBox<long>();
                var config = new ProducerConfig(fixture.TenantConfig(tenant))
                {
                    ClientId = $"spread-{i}",
                    Acks = Acks.Leader,
                    // Requests of several records each: the cap counts request bytes, and a request of one or two
                    // records spends a tenth of them on headers, which the acked value bytes below do not include.
                    LingerMs = 50,
                    BatchSize = 16 * 1024,
                    QueueBufferingMaxKbytes = 256,
                    MessageTimeoutMs = 60_000,
                    EnableIdempotence = false,
                    StatisticsIntervalMs = 500,
                };
                producers.Add(new ProducerBuilder<byte[], byte[]>(config).SetLogHandler((_, _) => { }).SetStatisticsHandler(QuotaLoad.ThrottleRecorder(throttles[i])).Build());
            }

            // Each broker's share of the tenant's rate, read a second before the window closes (afterwards it decays).
            var clock = Stopwatch.StartNew();
            var shares = Task.Run(async () =>
            {
                await Task.Delay(WarmUp + Window - TimeSpan.FromSeconds(1));
                return fixture.Cluster.Brokers.ToDictionary(b => b.NodeId, b =>
                    fixture.Cluster.InProcess(b.NodeId).Quotas!.Usage(tenant.Tenant.Id).First(u => u.QuotaKey == "producer_byte_rate"));
            });
            // One producer per broker, each writing to the partitions that broker leads, at 4/3 of the cap each.
            var results = await Task.WhenAll(leaders.OrderBy(l => l.Key).Select((l, i) => Task.Run(() =>
                QuotaLoad.ProducePaced(producers[i], l.Value, RecordBytes, 4 * Cap / Brokers, WarmUp, Window))));
            var usage = await shares;

            var total = results.Sum(r => r.AckedBytes) / Window.TotalSeconds;
            output.WriteLine($"tenant cap producer_byte_rate {Cap / 1024:F0} KiB/s over {Brokers} brokers, offered {4 * Cap / 1024:F0} KiB/s: acked {total / 1024:F1} KiB/s " +
                $"({total / Cap:P1} of the cap) over {Window.TotalSeconds:F0} s after {WarmUp.TotalSeconds:F0} s of warm-up");
            foreach (var (node, i) in leaders.Keys.Order().Select((n, i) => (n, i)))
            {
                var u = usage[node];
                output.WriteLine($"broker {node}: partitions {string.Join(',', leaders[node].Select(p => p.Partition.Value))}, acked {results[i].AckedBytes / Window.TotalSeconds / 1024:F1} KiB/s, " +
                    $"tenant rate there {u.TenantRate / 1024:F1} KiB/s against its share {u.TenantQuotaOnThisBroker / 1024:F1} KiB/s, " +
                    $"{u.Throttles} throttles ({u.ThrottledByTenantCap} by the tenant cap, {u.ThrottleTimeMs} ms), largest in the client's statistics {Interlocked.Read(ref throttles[i].Value)} ms");
            }

            Assert.All(results, r => Assert.Equal(0, r.Failures));
            Assert.True(QuotaLoad.WithinTolerance(total, Cap), $"{total / Cap:P1} of the cap");
            foreach (var (node, u) in usage)
            {
                Assert.Equal(Cap, u.TenantQuota);
                Assert.Equal(Cap / Brokers, u.TenantQuotaOnThisBroker);
                Assert.True(QuotaLoad.WithinTolerance(u.TenantRate, Cap / Brokers), $"broker {node} measured the tenant at {u.TenantRate / 1024:F1} KiB/s");
                Assert.True(u.ThrottledByTenantCap > 0, $"broker {node} never throttled the tenant by its cap");
            }
        }
        finally
        {
            foreach (var producer in producers) producer.Dispose();
        }
    }

    private async Task<bool> CanLogInAsync(CreatedTenant tenant, int nodeId)
    {
        await using var client = await RawKafkaClient.ConnectTlsAsync(fixture.SaslEndpoint(nodeId), fixture.Security.CaPath);
        try
        {
            await client.AuthenticateScramAsync(tenant.Admin.Username, tenant.Admin.Password);
            return true;
        }
        catch (Fjord.Security.Authentication.SaslAuthenticationException)
        {
            return false;
        }
    }

    /// <summary>The topic's partitions by the broker that leads them, once every partition has a leader.</summary>
    private async Task<Dictionary<int, List<TopicPartition>>> LeadersAsync(CreatedTenant tenant)
    {
        using var admin = fixture.TenantAdmin(tenant);
        Dictionary<int, List<TopicPartition>>? leaders = null;
        await Poll.UntilAsync(() =>
        {
            var topic = admin.GetMetadata(Topic, TimeSpan.FromSeconds(10)).Topics.Single();
            if (topic.Error.IsError || topic.Partitions.Count != 2 * Brokers || topic.Partitions.Any(p => p.Leader < 0)) return Task.FromResult(false);
            leaders = topic.Partitions.GroupBy(p => p.Leader).ToDictionary(g => g.Key, g => g.Select(p => new TopicPartition(Topic, p.PartitionId)).ToList());
            return Task.FromResult(true);
        }, TimeSpan.FromSeconds(30), "every partition of the topic to have a leader");
        return leaders!;
    }

    /// <summary>The operator's cap on the tenant, over broker 0's PLAINTEXT port (a super user), in force on every broker when this returns.</summary>
    private async Task SetTenantCapAsync(string tenantId)
    {
        await using (var raw = await RawKafkaClient.ConnectAsync(fixture.Cluster[0].BootstrapServers))
        {
            var altered = await raw.SendAsync<AlterClientQuotasResponse>(new AlterClientQuotasRequest
            {
                Entries = [new() { Entity = [new() { EntityType = "tenant", EntityName = tenantId }], Ops = [new() { Key = "producer_byte_rate", Value = Cap }] }],
            }, 1);
            Assert.Equal(0, Assert.Single(altered.Entries).ErrorCode);
        }
        foreach (var broker in fixture.Cluster.Brokers)
            await fixture.Cluster.InProcess(broker.NodeId).Quotas!.Cache!.RefreshAsync(CancellationToken.None);
    }
}
