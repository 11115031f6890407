using System.Diagnostics.Metrics;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Fjord.Broker.Observability;
using Fjord.Broker.Observability.Derived;
using Fjord.Broker.Storage;
using Fjord.Broker.Tests.Infrastructure;
using Fjord.Broker.Tests.Tenancy.EndToEnd;
using Fjord.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Fjord.Broker.Tests.Observability;

/// <summary>
/// A tenant's group, which the tenant names "billing" on its topic "invoices": the lag is reported under the stored
/// names (<c>tenant.billing</c>, <c>tenant.invoices</c>) with the tenant's id in the <c>tenant</c> attribute, so an
/// operator sees whose it is and can filter by it.
/// </summary>
[Collection(BrokerCollection.Name)]
public sealed class TenantConsumerLagMetricsTests(TenantClusterFixture fixture) : IClassFixture<TenantClusterFixture>
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task ATenantsGroupLagCarriesItsStoredNamesAndTheTenantAttribute()
    {
        var tenant = await fixture.TenantAsync("lagging");
        using (var admin = fixture.TenantAdmin(tenant))
            await admin.CreateTopicsAsync([new TopicSpecification { Name = "invoices", NumPartitions = 1, ReplicationFactor = 1 }]);
        using (var producer = fixture.TenantProducer(tenant))
        {
            for (var i = 0; i < 9; i++) producer.Produce("invoices", new Message<string, string> { Key = "k", Value = $"invoice-{i}" });
            Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(30)));
        }
        using (var consumer = fixture.TenantConsumer(tenant, "billing"))
            consumer.Commit([new TopicPartitionOffset("invoices", 0, 4)]);

        var broker = fixture.Cluster.InProcess(0);
        using var meter = new Meter("Fjord.Broker");
        using var recorder = new MetricsRecorder(meter);
        await using var metrics = ConsumerLagMetrics.Create(meter, broker.Config, new StorageClients(StorageEndpoints.From(broker.Config)).MetadataTables(),
            broker.Groups, broker.Replicas, broker.Tenants, TimeProvider.System, NullLoggerFactory.Instance);

        var id = tenant.Tenant.Id;
        var sample = await Poll.UntilAsync(() => recorder.Collect(ConsumerLagMetrics.LagInstrument).SingleOrDefault(s => (string?)s["consumergroup"] == id + ".billing"),
            Generous, "the tenant's group in the lag gauge");
        Assert.Equal(5, sample.Value);
        Assert.Equal(id + ".invoices", sample["topic"]);
        Assert.Equal(0, sample["partition"]);
        Assert.Equal(id, sample["tenant"]);
    }
}
