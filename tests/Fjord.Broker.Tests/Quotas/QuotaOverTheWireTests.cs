using System.Diagnostics;
using Fjord.Broker.Tests.Infrastructure;
using Fjord.Protocol;
using Fjord.Testing;

namespace Fjord.Broker.Tests.Quotas;

/// <summary>
/// Quotas a raw client meets on a real broker: KIP-599's controller_mutation_rate (throttle, then
/// THROTTLING_QUOTA_EXCEEDED), KIP-219's mute (the next request is not read until the throttle time has passed) and
/// KIP-612's connection_creation_rate (connections over the rate are held, then closed unserved).
/// </summary>
[Collection(BrokerCollection.Name)]
public sealed class QuotaOverTheWireTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private FjordTestCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await FjordTestCluster.StartAsync(azurite.Host, new Dictionary<string, string>
    {
        ["fjord.quota.table"] = FjordTestCluster.NewTableName(),
    });

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task PartitionCreationsOverTheMutationRateAreThrottledThenRefusedAndTheConnectionIsMuted()
    {
        await using var raw = await RawKafkaClient.ConnectAsync(_cluster.BootstrapServers);
        await AlterAsync(raw, "client-id", "raw-test", "controller_mutation_rate", 1.5);

        // 16 partitions in a 10 s window is 1.6/s against 1.5/s: (1.6 − 1.5) / 1.5 × 10 s ≈ 667 ms.
        var created = await raw.SendAsync<CreateTopicsResponse>(CreateTopics("mutations-a", 16), 7);
        Assert.Equal(0, Assert.Single(created.Topics).ErrorCode);
        Assert.InRange(created.ThrottleTimeMs, 600, 700);

        // Another connection of the same client, not muted, finds the rate over the quota: refused outright.
        await using (var other = await RawKafkaClient.ConnectAsync(_cluster.BootstrapServers))
        {
            var refused = await other.SendAsync<CreateTopicsResponse>(CreateTopics("mutations-b", 1), 7);
            Assert.Equal((short)ErrorCode.ThrottlingQuotaExceeded, Assert.Single(refused.Topics).ErrorCode);
            Assert.True(refused.ThrottleTimeMs > 0);
        }

        // The throttled connection reads its next request only after the throttle time, when the rate is back at the quota.
        var clock = Stopwatch.StartNew();
        var later = await raw.SendAsync<CreateTopicsResponse>(CreateTopics("mutations-c", 1), 7);
        Assert.True(clock.ElapsedMilliseconds >= created.ThrottleTimeMs - 100, $"answered after {clock.ElapsedMilliseconds} ms of a {created.ThrottleTimeMs} ms mute");
        Assert.Equal(0, Assert.Single(later.Topics).ErrorCode);
    }

    [Fact]
    public async Task ConnectionsOverTheCreationRateOfTheirAddressAreClosedUnserved()
    {
        await using (var admin = await RawKafkaClient.ConnectAsync(_cluster.BootstrapServers))
            await AlterAsync(admin, "ip", "127.0.0.1", "connection_creation_rate", 1);
        var rejectedBefore = _cluster.InProcess().RejectedConnections;

        // A rate of 1/s over a 10 s window lets about ten through at once; the rest are held and closed.
        var clients = new List<RawKafkaClient>();
        try
        {
            for (var i = 0; i < 15; i++) clients.Add(await RawKafkaClient.ConnectAsync(_cluster.BootstrapServers));
            var closed = 0;
            foreach (var client in clients)
            {
                await client.SendRawAsync(RawKafkaClient.Encode(new ApiVersionsRequest(), 0, client.NextCorrelationId()));
                if (await client.IsClosedByBrokerAsync(TimeSpan.FromSeconds(15))) closed++;
            }
            Assert.InRange(closed, 3, 6);
            Assert.True(_cluster.InProcess().RejectedConnections - rejectedBefore >= closed);
        }
        finally
        {
            foreach (var client in clients) await client.DisposeAsync();
        }

        // Without the quota the address is served again (the table is this broker's own, so no other broker can lag).
        var quotas = _cluster.InProcess().Quotas!;
        await quotas.Store.AlterAsync(Fjord.Security.Quotas.ClientQuotaEntity.Of(("ip", "127.0.0.1")), [new("connection_creation_rate", null)], CancellationToken.None);
        await quotas.Cache!.RefreshAsync(CancellationToken.None);
        await using var served = await RawKafkaClient.ConnectAsync(_cluster.BootstrapServers);
        Assert.Equal(0, (await served.SendAsync<ApiVersionsResponse>(new ApiVersionsRequest(), 0)).ErrorCode);
    }

    private static async Task AlterAsync(RawKafkaClient raw, string entityType, string entityName, string key, double? value)
    {
        var response = await raw.SendAsync<AlterClientQuotasResponse>(new AlterClientQuotasRequest
        {
            Entries =
            [
                new()
                {
                    Entity = [new() { EntityType = entityType, EntityName = entityName }],
                    Ops = [new() { Key = key, Value = value ?? 0, Remove = value is null }],
                },
            ],
        }, 1);
        Assert.Equal(0, Assert.Single(response.Entries).ErrorCode);
    }

    private static CreateTopicsRequest CreateTopics(string name, int partitions) => new()
    {
        Topics = [new() { Name = name, NumPartitions = partitions, ReplicationFactor = -1 }],
        TimeoutMs = 30_000,
    };
}
