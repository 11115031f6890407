using System.Net;
using Confluent.Kafka;
using Fjord.ControlPlane.Tests.EndToEnd;
using Fjord.ControlPlane.Tests.Functions;
using Fjord.Testing;

namespace Fjord.ControlPlane.Tests.Topics;

/// <summary>
/// The API against a real broker: a tenant and its topic made over HTTP are what the broker serves. The create
/// answers 201 because the broker's controller elects the leaders within the wait; the tenant's admin produces and
/// consumes on the topic by its short name; the API's delete takes it out of the tenant's Metadata.
/// </summary>
public sealed class TopicEndToEndTests(ControlPlaneClusterFixture fixture) : IClassFixture<ControlPlaneClusterFixture>
{
    [Fact]
    public async Task ATopicCreatedThroughTheApiServesTheTenantsClientsAndItsDeletionLeavesTheirMetadata()
    {
        using var http = fixture.Client(fixture.OperatorKey);
        var id = "e2e" + Guid.NewGuid().ToString("N")[..8];
        var tenant = await ApiCall.SendAsync(http, HttpMethod.Put, $"/api/v1/tenants/{id}", "{}");
        tenant.AssertStatus(HttpStatusCode.Created);
        var admin = tenant.Json.GetProperty("admin");
        var config = fixture.ClientConfig(admin.GetProperty("username").GetString()!, admin.GetProperty("password").GetString()!);
        using var adminClient = new AdminClientBuilder(new AdminClientConfig(config)).SetLogHandler((_, _) => { }).Build();
        // The broker learns of the tenant, its admin and the admin's ACLs on its next poll of the tables.
        await Poll.UntilAsync(() => CanListTopics(adminClient), TimeSpan.FromSeconds(30), $"tenant {id}'s admin to log in");

        var created = await ApiCall.SendAsync(http, HttpMethod.Put, $"/api/v1/tenants/{id}/topics/orders", """{"partitions": 2, "replicationFactor": 1}""");
        created.AssertStatus(HttpStatusCode.Created);
        Assert.Equal("ready", created.Json.GetProperty("state").GetString());
        Assert.All(created.Json.GetProperty("partitionStates").EnumerateArray(), p => Assert.True(p.GetProperty("leader").GetInt32() >= 0));

        using (var producer = new ProducerBuilder<string, string>(new ProducerConfig(config) { LingerMs = 0, MessageTimeoutMs = 15_000, Acks = Acks.All })
                   .SetLogHandler((_, _) => { }).Build())
        {
            for (var i = 0; i < 10; i++)
                await producer.ProduceAsync("orders", new Message<string, string> { Key = "k" + i, Value = "v" + i });
        }
        using (var consumer = new ConsumerBuilder<string, string>(new ConsumerConfig(config) { GroupId = "readers", AutoOffsetReset = AutoOffsetReset.Earliest, EnableAutoCommit = false })
                   .SetLogHandler((_, _) => { }).Build())
        {
            consumer.Subscribe("orders");
            var seen = new HashSet<string>(StringComparer.Ordinal);
            await Poll.UntilAsync(() =>
            {
                if (consumer.Consume(TimeSpan.FromMilliseconds(500)) is { Message: { } message }) seen.Add(message.Value);
                return seen.Count == 10;
            }, TimeSpan.FromSeconds(60), "the tenant's consumer to read its 10 records back");
            consumer.Close();
        }
        Assert.Contains(adminClient.GetMetadata(TimeSpan.FromSeconds(10)).Topics, t => t.Topic == "orders" && t.Error.Code == ErrorCode.NoError);

        (await ApiCall.SendAsync(http, HttpMethod.Delete, $"/api/v1/tenants/{id}/topics/orders", headers: h => h.TryAddWithoutValidation("If-Match", created.ETag)))
            .AssertStatus(HttpStatusCode.NoContent);

        await Poll.UntilAsync(() => adminClient.GetMetadata(TimeSpan.FromSeconds(10)).Topics.All(t => t.Topic != "orders"), TimeSpan.FromSeconds(30),
            "the deleted topic to leave the tenant's Metadata");
    }

    private static bool CanListTopics(IAdminClient admin)
    {
        try
        {
            admin.GetMetadata(TimeSpan.FromSeconds(5));
            return true;
        }
        catch (KafkaException)
        {
            return false;
        }
    }
}
