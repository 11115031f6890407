using System.Collections.Concurrent;
using Confluent.Kafka;
using Fjord.Broker.Tests.Infrastructure;
using Fjord.Testing;

namespace Fjord.Broker.Tests.Security;

/// <summary>
/// Confluent.Kafka produces and consumes through a consumer group over each kind of secured listener of one broker,
/// and the principal of a client certificate is what the ACLs see.
/// </summary>
[Collection(BrokerCollection.Name)]
public sealed class SecureClientTests(SecureListenersFixture fixture) : IClassFixture<SecureListenersFixture>
{
    private const int Records = 100;

    public static TheoryData<string> Listeners() =>
        ["SSL", "SASL_SSL PLAIN", "SASL_SSL SCRAM-SHA-256", "SASL_SSL SCRAM-SHA-512", "SASL_SSL OAUTHBEARER", "SASL_PLAINTEXT SCRAM-SHA-512", "SASL_PLAINTEXT PLAIN"];

    private SecureClient Client(string listener) => listener switch
    {
        "SSL" => fixture.Ssl(),
        "SASL_SSL PLAIN" => fixture.SaslSsl(SaslMechanism.Plain),
        "SASL_SSL SCRAM-SHA-256" => fixture.SaslSsl(SaslMechanism.ScramSha256),
        "SASL_SSL SCRAM-SHA-512" => fixture.SaslSsl(SaslMechanism.ScramSha512),
        "SASL_SSL OAUTHBEARER" => fixture.OAuthBearer(() => fixture.Tokens.Issue(SecureListenersFixture.User)),
        "SASL_PLAINTEXT SCRAM-SHA-512" => fixture.SaslPlaintext(SaslMechanism.ScramSha512),
        "SASL_PLAINTEXT PLAIN" => fixture.SaslPlaintext(SaslMechanism.Plain),
        _ => throw new ArgumentOutOfRangeException(nameof(listener), listener, null),
    };

    private static string Name(string listener) => listener.ToLowerInvariant().Replace(' ', '-').Replace('_', '-');

    [Theory]
    [MemberData(nameof(Listeners))]
    public async Task EveryRecordProducedOverTheListenerComesBackThroughAConsumerGroup(string listener)
    {
        var topic = "secure-" + Name(listener);
        await fixture.CreateTopicAsync(topic, 2);
        await SecureRoundTrip.RoundTripAsync(Client(listener), topic, topic + "-group", Records);
    }

    [Fact]
    public async Task AClientCertificatesMappedPrincipalIsWhatTheAclsAuthorize()
    {
        const string topic = "mtls-topic";
        const string group = "mtls-group";
        await fixture.CreateTopicAsync(topic, 2);
        await fixture.GrantProduceAndConsumeAsync("User:carol", topic, group);

        // CN=Carol,OU=clients,… maps to carol (lower-cased by the rule): granted, so everything comes back.
        var carol = fixture.MutualTls("CN=Carol,OU=clients,O=Fjord,C=NO");
        await SecureRoundTrip.RoundTripAsync(carol, topic, group, Records);

        // The same CA vouches for mallory, but no ACL names User:mallory.
        var mallory = fixture.MutualTls("CN=Mallory,OU=clients,O=Fjord,C=NO");
        using var producer = mallory.Producer(messageTimeoutMs: 15_000);
        var refused = await Assert.ThrowsAsync<ProduceException<string, string>>(
            () => producer.ProduceAsync(topic, new Message<string, string> { Key = "k", Value = "v" }));
        Assert.Equal(ErrorCode.TopicAuthorizationFailed, refused.Error.Code);
    }

    [Fact]
    public async Task TheMutualTlsListenerRefusesAClientWithoutACertificate()
    {
        var errors = new ConcurrentQueue<Error>();
        var logs = new ConcurrentQueue<string>();
        using var producer = fixture.MutualTlsWithoutCertificate().Producer(errors, messageTimeoutMs: 30_000, logs: logs);
        producer.Produce("mtls-refused", new Message<string, string> { Key = "k", Value = "v" });

        // TLS 1.3: the client finishes its side of the handshake before the broker checks for a certificate, so
        // librdkafka sees the broker close the connection before its first request (ApiVersions) is answered.
        await Poll.UntilAsync(() => errors.Any(e => e.Code == ErrorCode.Local_AllBrokersDown)
                && logs.Any(l => l.Contains("SSL connection closed by peer", StringComparison.Ordinal) && l.Contains("APIVERSION_QUERY", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(30), "the client to find the listener closing on it before ApiVersions");
    }
}
