using System.Diagnostics.Metrics;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Fjord.Broker.Observability;
using Fjord.Broker.Observability.Derived;
using Fjord.Broker.Tests.Infrastructure;
using Fjord.Broker.Tests.Tenancy.EndToEnd;
using Fjord.ControlPlane.Tenants;
using Fjord.Protocol;
using Fjord.Testing;
using Xunit.Abstractions;

namespace Fjord.Broker.Tests.Observability;

/// <summary>
/// Two tenants on one broker, one held to a small producer_byte_rate cap and pushed over it: the broker's throttles
/// are counted, with their time, under that tenant and quota type produce, and nothing under the other tenant.
/// </summary>
[Collection(BrokerCollection.Name)]
public sealed class TenantThrottleMetricsTests(TenantClusterFixture fixture, ITestOutputHelper output) : IClassFixture<TenantClusterFixture>
{
    private const double Cap = 4096;
    private const string Topic = "noisy";
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task ATenantPushedOverItsProduceQuotaIsCountedWithThrottleTimeAndTheOtherTenantIsNot()
    {
        var loud = await fixture.TenantAsync("loud");
        var quiet = await fixture.TenantAsync("quiet");
        foreach (var tenant in (CreatedTenant[])[loud, quiet])
        {
            using var admin = fixture.TenantAdmin(tenant);
            await admin.CreateTopicsAsync([new TopicSpecification { Name = Topic, NumPartitions = 1, ReplicationFactor = 1 }]);
        }
        await SetProduceCapAsync(loud.Tenant.Id);

        var broker = fixture.Cluster.InProcess(0);
        using var meter = new Meter("Fjord.Broker");
        using var recorder = new MetricsRecorder(meter);
        using var metrics = new TenantThrottleMetrics(meter, broker.Quotas!);

        var payload = new string('x', 1000);
        using (var producer = fixture.TenantProducer(quiet, c => c.Acks = Acks.Leader))
        {
            for (var i = 0; i < 10; i++) producer.Produce(Topic, new Message<string, string> { Key = "k", Value = payload });
            Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(30)));
        }
        using (var producer = fixture.TenantProducer(loud, c => c.Acks = Acks.Leader))
        {
            // Fifteen times what the cap allows in a second, at once: well past the window's allowance.
            for (var i = 0; i < 60; i++) producer.Produce(Topic, new Message<string, string> { Key = "k", Value = payload });
            await Poll.UntilAsync(() =>
            {
                producer.Poll(TimeSpan.Zero);
                return Throttles(recorder, loud.Tenant.Id, "produce") > 0;
            }, Generous, "a produce throttle counted for the loud tenant");
        }

        var throttles = Throttles(recorder, loud.Tenant.Id, "produce");
        var throttleMs = recorder.Sum(TenantThrottleMetrics.ThrottleTimeInstrument, t => Is(t, loud.Tenant.Id, "produce"));
        output.WriteLine($"tenant {loud.Tenant.Id} at a {Cap} B/s cap: {throttles} produce throttles, {throttleMs} ms in all");
        Assert.True(throttleMs > 0, "the throttles carry no time");
        Assert.Equal(0, recorder.Sum(TenantThrottleMetrics.ThrottlesInstrument, t => (string?)t["tenant"] == quiet.Tenant.Id));
        Assert.Equal(0, recorder.Sum(TenantThrottleMetrics.ThrottleTimeInstrument, t => (string?)t["tenant"] == quiet.Tenant.Id));
        Assert.All(recorder.TagSets(TenantThrottleMetrics.ThrottlesInstrument), t => Assert.Equal(loud.Tenant.Id, t["tenant"]));
    }

    private static long Throttles(MetricsRecorder recorder, string tenant, string quotaType) =>
        recorder.Sum(TenantThrottleMetrics.ThrottlesInstrument, t => Is(t, tenant, quotaType));

    private static bool Is(IReadOnlyDictionary<string, object?> tags, string tenant, string quotaType) =>
        (string?)tags[TenantThrottleMetrics.TenantAttribute] == tenant && (string?)tags[TenantThrottleMetrics.QuotaTypeAttribute] == quotaType;

    /// <summary>The operator's cap on the tenant, over the PLAINTEXT listener (a super user), in force when this returns.</summary>
    private async Task SetProduceCapAsync(string tenantId)
    {
        await using (var raw = await RawKafkaClient.ConnectAsync(fixture.Cluster[0].BootstrapServers))
        {
            var altered = await raw.SendAsync<AlterClientQuotasResponse>(new AlterClientQuotasRequest
            {
                Entries = [new() { Entity = [new() { EntityType = "tenant", EntityName = tenantId }], Ops = [new() { Key = "producer_byte_rate", Value = Cap }] }],
            }, 1);
            Assert.Equal(0, Assert.Single(altered.Entries).ErrorCode);
        }
        await fixture.Cluster.InProcess(0).Quotas!.Cache!.RefreshAsync(CancellationToken.None);
    }
}
