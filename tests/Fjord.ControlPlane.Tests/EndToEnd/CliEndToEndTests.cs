using Confluent.Kafka;
using Fjord.ControlPlane.Tests.Cli;
using Fjord.Security.Principals;
using Fjord.Testing;

namespace Fjord.ControlPlane.Tests.EndToEnd;

/// <summary>
/// Issue 16's flow through the CLI, run in-process against a real broker and the local control plane: a tenant, a
/// topic, a user and its ACLs made with <c>fjord</c>; a Confluent.Kafka producer and consumer configured from nothing
/// but the client config file the CLI wrote (SASL_SSL, the CA the API handed out); deleting the user ends its
/// sessions; deleting the tenant removes its topic from the metadata table.
/// </summary>
public sealed class CliEndToEndTests(ControlPlaneClusterFixture fixture) : IClassFixture<ControlPlaneClusterFixture>, IDisposable
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);

    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(4));
    private readonly TempDirectory _folder = new("fjord-cli-e2e");

    private CancellationToken Ct => _timeout.Token;

    public void Dispose()
    {
        _folder.Dispose();
        _timeout.Dispose();
    }

    [Fact]
    public async Task TheCliMakesATenantTopicUserAndAclsThatARealClientUsesAndItsDeletesEndSessionsAndData()
    {
        var cli = new CliRunner(fixture.BaseAddress, fixture.OperatorKey, _folder.Combine("config"));
        const string Tenant = "acme2";
        var adminFile = _folder.Combine("acme2.properties");
        var appFile = _folder.Combine("app1.properties");

        Expect(await cli.RunAsync(Ct, "tenant", "create", Tenant, "--client-config", adminFile));
        var topic = Expect(await cli.RunAsync(Ct, "topic", "create", "orders", "--tenant", Tenant, "--partitions", "3", "--replication-factor", "1"));
        Assert.Contains("every partition has a leader", topic.Output, StringComparison.Ordinal);
        Expect(await cli.RunAsync(Ct, "user", "create", "app1", "--tenant", Tenant, "--client-config", appFile));
        Expect(await cli.RunAsync(Ct, "acl", "add", "--tenant", Tenant, "--principal", "User:app1", "--operation", "Write", "--operation", "Read", "--topic", "orders"));
        Expect(await cli.RunAsync(Ct, "acl", "add", "--tenant", Tenant, "--principal", "User:app1", "--operation", "Read", "--group", "billing"));

        var properties = CliRunner.ReadProperties(appFile);
        Assert.Equal("SASL_SSL", properties["security.protocol"]);
        Assert.Equal($"{Tenant}.app1", properties["sasl.username"]);
        // librdkafka reads the file's names as they are: nothing but the file configures the client.
        var app1 = new ClientConfig(properties) { SocketTimeoutMs = 10_000 };
        using (var producer = new ProducerBuilder<string, string>(new ProducerConfig(app1) { LingerMs = 0, MessageTimeoutMs = 5_000, Acks = Acks.All })
                   .SetLogHandler((_, _) => { }).Build())
        {
            // The broker picks up the new user and its ACLs on its next poll of the tables.
            await Poll.UntilAsync(() => ProduceAsync(producer), Generous, "app1 to produce to orders with the CLI's client config");
            for (var i = 1; i < 5; i++) await producer.ProduceAsync("orders", new Message<string, string> { Key = "k" + i, Value = "v" + i }, Ct);
        }

        Error? refused = null;
        using var consumer = new ConsumerBuilder<string, string>(new ConsumerConfig(app1) { GroupId = "billing", EnableAutoCommit = false, AutoOffsetReset = AutoOffsetReset.Earliest })
            .SetLogHandler((_, _) => { })
            .SetErrorHandler((_, e) => { if (e.Code is ErrorCode.Local_Authentication or ErrorCode.SaslAuthenticationFailed) refused = e; })
            .Build();
        consumer.Subscribe("orders");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        await Poll.UntilAsync(() =>
        {
            if (Consume(consumer) is { Message: { } message } record)
            {
                seen.Add(message.Value);
                consumer.Commit(record);
            }
            return seen.Count == 5;
        }, Generous, "app1 to consume its 5 records in group billing");

        // Group lag: 'fjord group lag billing --tenant acme2' (N before the consumer reads, 0 after) goes here once the lag commands land.

        var principal = KafkaPrincipal.User($"{Tenant}.app1");
        Assert.True(Sessions(principal) > 0, "app1's consumer holds an authenticated session");
        Expect(await cli.RunAsync(Ct, "user", "delete", "app1", "--tenant", Tenant));
        await Poll.UntilAsync(() => Sessions(principal) == 0, TimeSpan.FromSeconds(5), "the broker to close app1's sessions");
        // The consumer reconnects and is refused: its credentials are gone.
        await Poll.UntilAsync(() =>
        {
            Consume(consumer);
            return refused is not null;
        }, Generous, "app1's consumer to be refused authentication");
        consumer.Close();

        Assert.NotNull(await fixture.Cluster.Store.GetTopicAsync($"{Tenant}.orders", Ct));
        var deleted = Expect(await cli.RunAsync(Ct, "tenant", "delete", Tenant, "--wait-seconds", "60"));
        Assert.Equal($"Tenant {Tenant} is deleted", deleted.Output.Trim());
        await Poll.UntilAsync(async () => await fixture.Cluster.Store.GetTopicAsync($"{Tenant}.orders", Ct) is null, Generous,
            "the tenant's topic to leave the metadata table");
        Assert.Equal(1, (await cli.RunAsync(Ct, "topic", "list", "--tenant", Tenant)).ExitCode);
    }

    private static CliRunner.Run Expect(CliRunner.Run run)
    {
        Assert.True(run.ExitCode == 0, run.ToString());
        return run;
    }

    private int Sessions(KafkaPrincipal principal) =>
        fixture.Cluster.InProcess().Sessions.Count(s => s.AuthenticatedMechanism is not null && s.Principal == principal);

    private async Task<bool> ProduceAsync(IProducer<string, string> producer)
    {
        try
        {
            await producer.ProduceAsync("orders", new Message<string, string> { Key = "k0", Value = "v0" }, Ct);
            return true;
        }
        catch (ProduceException<string, string>)
        {
            return false;
        }
    }

    private static ConsumeResult<string, string>? Consume(IConsumer<string, string> consumer)
    {
        try
        {
            return consumer.Consume(TimeSpan.FromMilliseconds(500));
        }
        catch (ConsumeException)
        {
            return null;
        }
    }
}
