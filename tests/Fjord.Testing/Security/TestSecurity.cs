using System.Globalization;
using Fjord.Security.Credentials;
using Fjord.Security.Tls;

namespace Fjord.Testing;

/// <summary>
/// What a test needs to run brokers with TLS and SASL: a throw-away CA and broker certificate for 127.0.0.1,
/// SCRAM users (admin and the brokers' own user are super users; tests add more) written to a bootstrap-users
/// file the brokers load at start, and the broker settings that use all of it.
/// </summary>
public sealed class TestSecurity : IDisposable
{
    public const string AdminUser = "admin";
    public const string AdminPassword = "admin-secret";
    public const string BrokerUser = "fjord-broker";
    public const string BrokerPassword = "fjord-broker-secret";

    private readonly TempDirectory _directory = new("fjord-security");
    private readonly List<UserScramCredential> _users = [];

    public TestSecurity()
    {
        Files = LocalCertificateAuthority.EnsureLocalCertificates(_directory.Path, ["127.0.0.1", "localhost"]);
        AddUser(AdminUser, AdminPassword);
        AddUser(BrokerUser, BrokerPassword);
    }

    /// <summary>The CA (ca.pem: what clients trust) and the broker's keystore.</summary>
    public LocalCertificateFiles Files { get; }

    public string CaPath => Files.CaCertificatePath;

    public string BootstrapUsersPath => _directory.Combine("bootstrap-users");

    /// <summary>A SCRAM user (both mechanisms) the brokers create at start: call before starting them.</summary>
    public TestSecurity AddUser(string user, string password)
    {
        foreach (var mechanism in new[] { ScramMechanism.ScramSha512, ScramMechanism.ScramSha256 })
            _users.Add(new UserScramCredential(user, mechanism, ScramCredentials.Create(mechanism, password, ScramMechanisms.MinIterations)));
        File.WriteAllText(BootstrapUsersPath, ScramBootstrapUsers.Format(_users));
        return this;
    }

    /// <summary>
    /// Settings for a broker whose listeners include <paramref name="interBrokerListener"/> (a SASL_SSL one by
    /// default): TLS from the test CA, SCRAM-SHA-512 between brokers as fjord-broker, the ACL authorizer with
    /// admin and fjord-broker as super users (plus <paramref name="extraSuperUsers"/>, ';'-separated).
    /// </summary>
    public Dictionary<string, string> BrokerSettings(string listeners, string interBrokerListener = "SASL_SSL", bool acls = true, string? extraSuperUsers = null)
    {
        var superUsers = $"User:{AdminUser};User:{BrokerUser}" + (extraSuperUsers is null ? "" : ";" + extraSuperUsers);
        var settings = new Dictionary<string, string>
        {
            ["listeners"] = listeners,
            ["inter.broker.listener.name"] = interBrokerListener,
            ["ssl.keystore.type"] = "PEM",
            ["ssl.keystore.location"] = Files.KeystorePath,
            ["ssl.truststore.type"] = "PEM",
            ["ssl.truststore.location"] = Files.CaCertificatePath,
            ["sasl.enabled.mechanisms"] = "SCRAM-SHA-512,SCRAM-SHA-256,PLAIN",
            ["sasl.mechanism.inter.broker.protocol"] = "SCRAM-SHA-512",
            [$"listener.name.{interBrokerListener.ToLowerInvariant()}.scram-sha-512.sasl.jaas.config"] =
                $"org.apache.kafka.common.security.scram.ScramLoginModule required username=\"{BrokerUser}\" password=\"{BrokerPassword}\";",
            ["fjord.sasl.bootstrap.users"] = BootstrapUsersPath,
            ["fjord.security.poll.interval.ms"] = "250",
            ["super.users"] = superUsers,
        };
        if (acls) settings["authorizer.class.name"] = "org.apache.kafka.metadata.authorizer.StandardAuthorizer";
        return settings;
    }

    /// <summary>A client certificate for mutual TLS, signed by the test CA: paths of its PEM chain and key.</summary>
    public (string CertificatePath, string KeyPath) IssueClientCertificate(string subjectDn)
    {
        using var ca = LocalCertificateAuthority.Load(_directory.Path);
        using var certificate = ca.IssueClientCertificate(subjectDn);
        var name = $"client-{Guid.NewGuid():N}";
        var certificatePath = _directory.Combine(name + ".pem");
        var keyPath = _directory.Combine(name + ".key");
        File.WriteAllText(certificatePath, ca.ExportCertificateChainPem(certificate));
        File.WriteAllText(keyPath, LocalCertificateAuthority.ExportPrivateKeyPem(certificate));
        return (certificatePath, keyPath);
    }

    /// <summary>host:port of a listener by name among a broker's advertised listeners.</summary>
    public static string Endpoint(IEnumerable<Fjord.Broker.Configuration.ListenerEndpoint> listeners, string name)
    {
        var listener = listeners.First(l => l.Name == name);
        return $"{listener.Host}:{listener.Port.ToString(CultureInfo.InvariantCulture)}";
    }

    public void Dispose() => _directory.Dispose();
}
