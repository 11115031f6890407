using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Fjord.Broker.Tests.Infrastructure;
using Fjord.Testing;

namespace Fjord.Broker.Tests.Security;

/// <summary>
/// One broker with every kind of listener at once: PLAINTEXT (the tests' own setup, as ANONYMOUS, a super user),
/// SSL, MTLS (SSL with a required client certificate whose subject a mapping rule turns into the principal),
/// SASL_SSL with PLAIN, both SCRAMs and OAUTHBEARER (a JWKS file the test wrote), and SASL_PLAINTEXT.
/// The StandardAuthorizer is on: alice (the SCRAM/PLAIN user and the tokens' subject) is a super user, so the
/// listener tests are about authentication; the MTLS principals get nothing but the ACLs a test grants.
/// </summary>
public sealed class SecureListenersFixture(AzuriteFixture azurite) : FjordTestClusterFixture, IDisposable
{
    public const string User = "alice";
    public const string Password = "alice-secret";
    public const string Listeners = "PLAINTEXT://127.0.0.1:0,SSL://127.0.0.1:0,MTLS://127.0.0.1:0,SASL_SSL://127.0.0.1:0,SASL_PLAINTEXT://127.0.0.1:0";

    /// <summary>CN=Carol,OU=clients,… becomes User:carol: the principal an ACL names, not the whole DN.</summary>
    public const string MappingRules = "RULE:^CN=([^,]+),OU=clients,.*$/$1/L,DEFAULT";

    public TestSecurity Security { get; } = new TestSecurity().AddUser(User, Password);

    public TestTokenIssuer Tokens { get; } = new();

    public string PlaintextBootstrap => Cluster.BootstrapServers;

    protected override FjordTestClusterOptions Options
    {
        get
        {
            var settings = Security.BrokerSettings(Listeners, interBrokerListener: "PLAINTEXT", acls: true, extraSuperUsers: $"User:ANONYMOUS;User:{User}");
            settings["listener.security.protocol.map"] = "PLAINTEXT:PLAINTEXT,SSL:SSL,MTLS:SSL,SASL_SSL:SASL_SSL,SASL_PLAINTEXT:SASL_PLAINTEXT";
            settings["listener.name.mtls.ssl.client.auth"] = "required";
            settings["listener.name.mtls.ssl.principal.mapping.rules"] = MappingRules;
            settings["listener.name.sasl_ssl.sasl.enabled.mechanisms"] = "PLAIN,SCRAM-SHA-256,SCRAM-SHA-512,OAUTHBEARER";
            settings["sasl.oauthbearer.jwks.endpoint.url"] = Tokens.JwksUrl;
            settings["sasl.oauthbearer.expected.audience"] = TestTokenIssuer.Audience;
            settings["sasl.oauthbearer.expected.issuer"] = TestTokenIssuer.Issuer;
            // Groups form at once: the tests are about the listeners, not Kafka's initial rebalance delay.
            settings["group.initial.rebalance.delay.ms"] = "0";
            return new FjordTestClusterOptions { Azurite = azurite.Host, Settings = settings };
        }
    }

    public string Endpoint(string listener) => TestSecurity.Endpoint(Cluster.InProcess().AdvertisedListeners, listener);

    public SecureClient Ssl() => new("SSL", new ClientConfig
    {
        BootstrapServers = Endpoint("SSL"),
        SecurityProtocol = SecurityProtocol.Ssl,
        SslCaLocation = Security.CaPath,
    });

    public SecureClient MutualTls(string subjectDn)
    {
        var (certificate, key) = Security.IssueClientCertificate(subjectDn);
        return new SecureClient($"MTLS {subjectDn}", new ClientConfig
        {
            BootstrapServers = Endpoint("MTLS"),
            SecurityProtocol = SecurityProtocol.Ssl,
            SslCaLocation = Security.CaPath,
            SslCertificateLocation = certificate,
            SslKeyLocation = key,
        });
    }

    /// <summary>A client of the MTLS listener that trusts the broker but has no certificate of its own to show.</summary>
    public SecureClient MutualTlsWithoutCertificate() => new("MTLS without a certificate", new ClientConfig
    {
        BootstrapServers = Endpoint("MTLS"),
        SecurityProtocol = SecurityProtocol.Ssl,
        SslCaLocation = Security.CaPath,
    });

    public SecureClient SaslSsl(SaslMechanism mechanism, string user = User, string password = Password) => new($"SASL_SSL {mechanism}", new ClientConfig
    {
        BootstrapServers = Endpoint("SASL_SSL"),
        SecurityProtocol = SecurityProtocol.SaslSsl,
        SslCaLocation = Security.CaPath,
        SaslMechanism = mechanism,
        SaslUsername = user,
        SaslPassword = password,
    });

    public SecureClient SaslPlaintext(SaslMechanism mechanism) => new($"SASL_PLAINTEXT {mechanism}", new ClientConfig
    {
        BootstrapServers = Endpoint("SASL_PLAINTEXT"),
        SecurityProtocol = SecurityProtocol.SaslPlaintext,
        SaslMechanism = mechanism,
        SaslUsername = User,
        SaslPassword = Password,
    });

    public SecureClient OAuthBearer(Func<string> token) => new("SASL_SSL OAUTHBEARER", new ClientConfig
    {
        BootstrapServers = Endpoint("SASL_SSL"),
        SecurityProtocol = SecurityProtocol.SaslSsl,
        SslCaLocation = Security.CaPath,
        SaslMechanism = SaslMechanism.OAuthBearer,
    }, token);

    /// <summary>Creates a topic over PLAINTEXT (as ANONYMOUS, a super user).</summary>
    public Task CreateTopicAsync(string topic, int partitions) => KafkaClients.CreateTopicAsync(PlaintextBootstrap, topic, partitions);

    /// <summary>Allows <paramref name="principal"/> what a producer and a group consumer need on the topic and group.</summary>
    public async Task GrantProduceAndConsumeAsync(string principal, string topic, string group)
    {
        static AclBinding Allow(string principal, ResourceType type, string name, AclOperation operation) => new()
        {
            Pattern = new ResourcePattern { Type = type, Name = name, ResourcePatternType = ResourcePatternType.Literal },
            Entry = new AccessControlEntry { Principal = principal, Host = "*", Operation = operation, PermissionType = AclPermissionType.Allow },
        };
        using var admin = KafkaClients.Admin(PlaintextBootstrap);
        await admin.CreateAclsAsync(
        [
            Allow(principal, ResourceType.Topic, topic, AclOperation.Write),
            Allow(principal, ResourceType.Topic, topic, AclOperation.Read),
            Allow(principal, ResourceType.Topic, topic, AclOperation.Describe),
            Allow(principal, ResourceType.Group, group, AclOperation.Read),
        ]);
    }

    public void Dispose()
    {
        Tokens.Dispose();
        Security.Dispose();
    }
}
