using System.Net;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Fjord.ControlPlane.Tests.Functions;
using Fjord.Security.Principals;
using Fjord.Testing;

namespace Fjord.ControlPlane.Tests.EndToEnd;

/// <summary>
/// A user and its ACLs made through the API work against a real broker with a real Kafka client, and deleting the
/// user through the API ends its live session and its next login.
/// </summary>
public sealed class UserAndAclEndToEndTests(ControlPlaneClusterFixture fixture) : IClassFixture<ControlPlaneClusterFixture>
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan FewSeconds = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task AUserAndAclsMadeThroughTheApiProduceAndConsumeAndDeletingTheUserEndsItsSessions()
    {
        var tenant = "e" + Guid.NewGuid().ToString("N")[..8];
        using var api = fixture.Client();
        var created = await ApiCall.SendAsync(api, HttpMethod.Put, $"/api/v1/tenants/{tenant}", "{}");
        created.AssertStatus(HttpStatusCode.Created);
        var admin = created.Json.GetProperty("admin");
        var adminConfig = fixture.ClientConfig(admin.GetProperty("username").GetString()!, admin.GetProperty("password").GetString()!);

        // The tenant's admin makes the topic over Kafka, once the broker has polled its credentials and ACLs.
        using (var adminClient = new AdminClientBuilder(new AdminClientConfig(adminConfig)).SetLogHandler((_, _) => { }).Build())
            await Poll.UntilAsync(() => KafkaAttempts.CreateTopicAsync(adminClient, "orders"), Generous, $"tenant {tenant}'s admin to create topic orders");

        var user = await ApiCall.SendAsync(api, HttpMethod.Put, $"/api/v1/tenants/{tenant}/users/bob");
        user.AssertStatus(HttpStatusCode.Created);
        var username = user.Json.GetProperty("username").GetString()!;
        Assert.Equal($"{tenant}.bob", username);
        var bob = fixture.ClientConfig(username, user.Json.GetProperty("password").GetString()!);
        const string Acls = """
            {"bindings": [
              {"resourceType": "Topic", "resourceName": "orders", "principal": "User:bob", "operation": "Write"},
              {"resourceType": "Topic", "resourceName": "orders", "principal": "User:bob", "operation": "Describe"},
              {"resourceType": "Topic", "resourceName": "orders", "principal": "User:bob", "operation": "Read"},
              {"resourceType": "Group", "resourceName": "billing", "principal": "User:bob", "operation": "Read"}
            ]}
            """;
        (await ApiCall.SendAsync(api, HttpMethod.Post, $"/api/v1/tenants/{tenant}/acls", Acls)).AssertStatus(HttpStatusCode.OK);

        using var producer = new ProducerBuilder<string, string>(new ProducerConfig(bob) { LingerMs = 0, MessageTimeoutMs = 5_000, Acks = Acks.All })
            .SetLogHandler((_, _) => { })
            .Build();
        await Poll.UntilAsync(() => KafkaAttempts.ProduceAsync(producer, "orders"), Generous, "bob to produce to orders");

        using (var consumer = new ConsumerBuilder<string, string>(new ConsumerConfig(bob)
        {
            GroupId = "billing",
            EnableAutoCommit = false,
            AutoOffsetReset = AutoOffsetReset.Earliest,
        }).SetLogHandler((_, _) => { }).Build())
        {
            consumer.Subscribe("orders");
            var record = await Poll.UntilAsync(() => KafkaAttempts.Consume(consumer), Generous, "bob to consume orders in group billing");
            Assert.Equal("v", record.Message.Value);
            consumer.Commit(record);
            consumer.Close();
        }
        var principal = KafkaPrincipal.User(username);
        Assert.True(Sessions(principal) > 0, "bob's producer holds an authenticated session");

        (await ApiCall.SendAsync(api, HttpMethod.Delete, $"/api/v1/tenants/{tenant}/users/bob")).AssertStatus(HttpStatusCode.NoContent);

        await Poll.UntilAsync(() => Sessions(principal) == 0, FewSeconds, "the broker to close bob's sessions");
        Error? refused = null;
        using var again = new ProducerBuilder<string, string>(new ProducerConfig(bob))
            .SetLogHandler((_, _) => { })
            .SetErrorHandler((_, e) => { if (e.Code == ErrorCode.Local_Authentication) refused = e; })
            .Build();
        await Poll.UntilAsync(() => refused is not null, FewSeconds, "the broker to refuse bob's next login");
    }

    private int Sessions(KafkaPrincipal principal) =>
        fixture.Cluster.InProcess().Sessions.Count(s => s.AuthenticatedMechanism is not null && s.Principal == principal);
}
