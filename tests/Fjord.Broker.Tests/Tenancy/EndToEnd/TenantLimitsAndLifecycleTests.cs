using System.Diagnostics;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Fjord.Broker.Tests.Infrastructure;
using Fjord.Security.Authentication;
using Fjord.Security.Tenancy;
using Fjord.Testing;
using Xunit.Abstractions;

namespace Fjord.Broker.Tests.Tenancy.EndToEnd;

/// <summary>
/// A tenant's limits are refused at the boundary with Kafka's error and a message naming the limit; a suspended
/// tenant loses its live connections within two seconds and cannot log in until it is resumed; its data stays.
/// </summary>
[Collection(BrokerCollection.Name)]
public sealed class TenantLimitsAndLifecycleTests(TenantClusterFixture fixture, ITestOutputHelper output) : IClassFixture<TenantClusterFixture>
{
    private static readonly TimeSpan SuspensionBound = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task TopicAndPartitionLimitsAreRefusedAtTheBoundaryWithPolicyViolationNamingTheLimit()
    {
        var tenant = await fixture.TenantAsync("limited", new TenantLimits(MaxTopics: 2, MaxPartitions: 5));
        using var admin = fixture.TenantAdmin(tenant);

        await admin.CreateTopicsAsync([new TopicSpecification { Name = "first", NumPartitions = 2, ReplicationFactor = 1 }]);
        var tooWide = await Assert.ThrowsAsync<CreateTopicsException>(() =>
            admin.CreateTopicsAsync([new TopicSpecification { Name = "second", NumPartitions = 4, ReplicationFactor = 1 }]));
        Assert.Equal(ErrorCode.PolicyViolation, tooWide.Results.Single().Error.Code);
        Assert.Contains("limit of 5 partitions", tooWide.Results.Single().Error.Reason, StringComparison.Ordinal);

        await admin.CreateTopicsAsync([new TopicSpecification { Name = "second", NumPartitions = 3, ReplicationFactor = 1 }]);
        var oneTooMany = await Assert.ThrowsAsync<CreateTopicsException>(() =>
            admin.CreateTopicsAsync([new TopicSpecification { Name = "third", NumPartitions = 1, ReplicationFactor = 1 }]));
        Assert.Equal(ErrorCode.PolicyViolation, oneTooMany.Results.Single().Error.Code);
        Assert.Contains("limit of 2 topics", oneTooMany.Results.Single().Error.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain(tenant.Tenant.Id, oneTooMany.Results.Single().Error.Reason.Replace("Tenant " + tenant.Tenant.Id, "", StringComparison.Ordinal), StringComparison.Ordinal);

        var growth = await Assert.ThrowsAsync<CreatePartitionsException>(() =>
            admin.CreatePartitionsAsync([new PartitionsSpecification { Topic = "first", IncreaseTo = 3 }]));
        Assert.Equal(ErrorCode.PolicyViolation, growth.Results.Single().Error.Code);
        Assert.Contains("limit of 5 partitions", growth.Results.Single().Error.Reason, StringComparison.Ordinal);

        Assert.Equal(["first", "second"], admin.GetMetadata(TimeSpan.FromSeconds(10)).Topics.Select(t => t.Topic).Order());
    }

    [Fact]
    public async Task TheConnectionLimitRefusesTheConnectionPastItWithAMessageNamingIt()
    {
        var tenant = await fixture.TenantAsync("crowded", new TenantLimits(MaxConnections: 2));
        var open = new List<RawKafkaClient>();
        try
        {
            // The fixture's readiness probe may still hold a connection for a moment: fill up to the limit first.
            await Poll.UntilAsync(async () =>
            {
                var client = await RawKafkaClient.ConnectTlsAsync(fixture.SaslBootstrap, fixture.Security.CaPath);
                try
                {
                    await client.AuthenticateScramAsync(tenant.Admin.Username, tenant.Admin.Password);
                    open.Add(client);
                    return open.Count == 2;
                }
                catch (SaslAuthenticationException)
                {
                    await client.DisposeAsync();
                    return false;
                }
            }, TimeSpan.FromSeconds(30), "two connections of the tenant to be admitted");

            await using var third = await RawKafkaClient.ConnectTlsAsync(fixture.SaslBootstrap, fixture.Security.CaPath);
            var refused = await Assert.ThrowsAsync<SaslAuthenticationException>(() => third.AuthenticateScramAsync(tenant.Admin.Username, tenant.Admin.Password));
            Assert.Contains("connection limit (2 connections", refused.Message, StringComparison.Ordinal);

            await open[0].DisposeAsync();
            open.RemoveAt(0);
            await Poll.UntilAsync(async () =>
            {
                await using var again = await RawKafkaClient.ConnectTlsAsync(fixture.SaslBootstrap, fixture.Security.CaPath);
                try
                {
                    await again.AuthenticateScramAsync(tenant.Admin.Username, tenant.Admin.Password);
                    return true;
                }
                catch (SaslAuthenticationException)
                {
                    return false;
                }
            }, TimeSpan.FromSeconds(30), "a connection to be admitted once one of the two closed");
        }
        finally
        {
            foreach (var client in open) await client.DisposeAsync();
        }
    }

    [Fact]
    public async Task SuspendingATenantClosesItsConnectionsWithinTwoSecondsRefusesNewOnesAndKeepsItsData()
    {
        var tenant = await fixture.TenantAsync("suspended");
        using (var admin = fixture.TenantAdmin(tenant))
            await admin.CreateTopicsAsync([new TopicSpecification { Name = "kept", NumPartitions = 1, ReplicationFactor = 1 }]);
        using (var producer = fixture.TenantProducer(tenant))
            await producer.ProduceAsync("kept", new Message<string, string> { Key = "k", Value = "before suspension" });

        await using var live = await RawKafkaClient.ConnectTlsAsync(fixture.SaslBootstrap, fixture.Security.CaPath);
        await live.AuthenticateScramAsync(tenant.Admin.Username, tenant.Admin.Password);

        var clock = Stopwatch.StartNew();
        await fixture.Tenants.SuspendAsync(tenant.Tenant.Id, CancellationToken.None);
        Assert.True(await live.IsClosedByBrokerAsync(TimeSpan.FromSeconds(10)), "the suspended tenant's connection stays open");
        var closedAfter = clock.Elapsed;
        output.WriteLine($"suspended tenant's connection closed {closedAfter.TotalMilliseconds:0} ms after the suspension was written");
        Assert.True(closedAfter < SuspensionBound, $"closed after {closedAfter.TotalMilliseconds:0} ms");

        await using (var refusedClient = await RawKafkaClient.ConnectTlsAsync(fixture.SaslBootstrap, fixture.Security.CaPath))
        {
            var refused = await Assert.ThrowsAsync<SaslAuthenticationException>(() => refusedClient.AuthenticateScramAsync(tenant.Admin.Username, tenant.Admin.Password));
            Assert.Contains("is suspended", refused.Message, StringComparison.Ordinal);
        }

        await fixture.Tenants.ResumeAsync(tenant.Tenant.Id, CancellationToken.None);
        using var consumer = fixture.TenantConsumer(tenant, "after-resume");
        consumer.Assign(new TopicPartitionOffset("kept", 0, Offset.Beginning));
        ConsumeResult<string, string>? record = null;
        await Poll.UntilAsync(() => (record = consumer.Consume(TimeSpan.FromMilliseconds(500))) is not null, TimeSpan.FromSeconds(60),
            "the resumed tenant to read its record back");
        Assert.Equal("before suspension", record!.Message.Value);
    }
}
