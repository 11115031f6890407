using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Fjord.Broker.Tests.Infrastructure;
using Fjord.Testing;
using Xunit.Abstractions;

namespace Fjord.Broker.Tests.Security;

/// <summary>One broker whose SASL_SSL sessions last two seconds unless the client re-authenticates (KIP-368).</summary>
public sealed class ShortSessionClusterFixture(AzuriteFixture azurite) : SecureClusterFixture(azurite)
{
    public const int SessionLifetimeMs = 2000;

    protected override string SaslListener => "SASL_SSL";
    protected override int BrokerCount => 1;
    protected override IEnumerable<string> Users => [];

    protected override FjordTestClusterOptions Options => base.Options.WithSettings(new Dictionary<string, string>
    {
        ["listener.name.sasl_ssl.connections.max.reauth.ms"] = SessionLifetimeMs.ToString(System.Globalization.CultureInfo.InvariantCulture),
    });
}

/// <summary>
/// KIP-368 with a real client: librdkafka reads the session lifetime from SaslAuthenticate and re-authenticates on the
/// same connection before it ends, so a producer that runs for several lifetimes keeps its connection and sees no error.
/// </summary>
[Collection(BrokerCollection.Name)]
public sealed class ReauthenticationTests(ShortSessionClusterFixture fixture, ITestOutputHelper output) : IClassFixture<ShortSessionClusterFixture>
{
    [Fact]
    public async Task AProducerReauthenticatesOnItsConnectionAndKeepsProducingPastManySessionLifetimes()
    {
        const string topic = "reauth";
        using (var admin = fixture.Admin())
            await admin.CreateTopicsAsync([new TopicSpecification { Name = topic, NumPartitions = 1, ReplicationFactor = 1 }]);
        var broker = fixture.Cluster.InProcess();
        using var producer = fixture.Producer(TestSecurity.AdminUser, c => { c.LingerMs = 0; c.MessageTimeoutMs = 10_000; });
        await producer.ProduceAsync(topic, new Message<string, string> { Key = "k", Value = "first" });

        var session = broker.Sessions.Single(s => s.Principal.Name == TestSecurity.AdminUser && s.Sasl.Authenticated
            && s.Listener.Name.Equals("SASL_SSL", StringComparison.OrdinalIgnoreCase));
        var firstExpiry = session.Sasl.ExpiresAt ?? throw new InvalidOperationException("the session should expire");

        // Four lifetimes of steady producing: without re-authentication the broker closes the connection after the first.
        var produced = 1;
        var until = DateTime.UtcNow.AddMilliseconds(4 * ShortSessionClusterFixture.SessionLifetimeMs);
        while (DateTime.UtcNow < until)
        {
            var result = await producer.ProduceAsync(topic, new Message<string, string> { Key = "k", Value = "v" + produced });
            Assert.Equal(PersistenceStatus.Persisted, result.Status);
            produced++;
            await Task.Delay(20);
        }

        var renewed = session.Sasl.ExpiresAt ?? throw new InvalidOperationException("the session should expire");
        output.WriteLine($"produced {produced} records over {4 * ShortSessionClusterFixture.SessionLifetimeMs} ms; session expiry moved {(renewed - firstExpiry).TotalMilliseconds:0} ms");
        Assert.Contains(session, broker.Sessions);
        Assert.True(renewed - firstExpiry >= TimeSpan.FromMilliseconds(2 * ShortSessionClusterFixture.SessionLifetimeMs),
            $"the connection re-authenticated (expiry moved {(renewed - firstExpiry).TotalMilliseconds:0} ms)");
    }
}
