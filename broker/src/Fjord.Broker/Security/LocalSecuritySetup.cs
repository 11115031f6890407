using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Fjord.Security.Credentials;
using Fjord.Security.Tls;

namespace Fjord.Broker.Security;

/// <summary>
/// What a local run needs to serve SASL_SSL, made once and kept in a folder of its data: a CA and a broker
/// certificate for the given hosts, a super user (admin) and the brokers' own user with random passwords,
/// the hashed bootstrap-users file the brokers create them from, the broker settings that use all of it, and
/// a client.properties for kcat and Kafka clients. A second run reuses every file, so passwords stay valid.
/// </summary>
public static class LocalSecuritySetup
{
    public const string AdminUser = "admin";
    public const string BrokerUser = "fjord-broker";

    public sealed record Result(string BrokerPropertiesPath, string ClientPropertiesPath, string CaPath);

    /// <param name="folder">Where the CA, keys and passwords live (private files).</param>
    /// <param name="clientProperties">Where to write the client configuration.</param>
    /// <param name="bootstrapServers">The SASL_SSL listeners, host:port, comma-separated.</param>
    /// <param name="interBrokerListener">The listener brokers replicate over (its name in listeners).</param>
    public static Result Ensure(string folder, string clientProperties, IReadOnlyList<string> hosts, string bootstrapServers, string interBrokerListener)
    {
        Directory.CreateDirectory(folder);
        var certificates = LocalCertificateAuthority.EnsureLocalCertificates(folder, hosts);
        var adminPassword = EnsureSecret(Path.Combine(folder, "admin.password"));
        var brokerPassword = EnsureSecret(Path.Combine(folder, "fjord-broker.password"));

        var users = new List<UserScramCredential>();
        foreach (var (user, password) in new[] { (AdminUser, adminPassword), (BrokerUser, brokerPassword) })
            foreach (var mechanism in new[] { ScramMechanism.ScramSha512, ScramMechanism.ScramSha256 })
                users.Add(new UserScramCredential(user, mechanism, ScramCredentials.Create(mechanism, password, ScramMechanisms.MinIterations)));
        var bootstrapUsers = Path.Combine(folder, "bootstrap-users");
        // Hashed with fresh salts each time; the brokers only create users that are missing, so rewriting is harmless.
        PrivateFile.Write(bootstrapUsers, ScramBootstrapUsers.Format(users));

        var listener = interBrokerListener.ToLowerInvariant();
        var broker = new StringBuilder()
            .AppendLine("# Written by ./fjord.sh start (Fjord.Broker security-init-local); regenerated on every start.")
            .AppendLine(CultureInfo.InvariantCulture, $"ssl.keystore.type=PEM")
            .AppendLine(CultureInfo.InvariantCulture, $"ssl.keystore.location={certificates.KeystorePath}")
            .AppendLine(CultureInfo.InvariantCulture, $"ssl.truststore.type=PEM")
            .AppendLine(CultureInfo.InvariantCulture, $"ssl.truststore.location={certificates.CaCertificatePath}")
            .AppendLine("sasl.enabled.mechanisms=SCRAM-SHA-512,SCRAM-SHA-256,PLAIN")
            .AppendLine("sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512")
            .AppendLine(CultureInfo.InvariantCulture,
                $"listener.name.{listener}.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username=\"{BrokerUser}\" password=\"{brokerPassword}\";")
            .AppendLine(CultureInfo.InvariantCulture, $"fjord.sasl.bootstrap.users={bootstrapUsers}")
            .AppendLine("authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer")
            .AppendLine(CultureInfo.InvariantCulture, $"super.users=User:{AdminUser};User:{BrokerUser}")
            .ToString();
        var brokerProperties = Path.Combine(folder, "broker.properties");
        PrivateFile.Write(brokerProperties, broker);

        var client = new StringBuilder()
            .AppendLine("# Fjord's local SASL_SSL listener as the super user 'admin' (librdkafka / kcat / Java client names).")
            .AppendLine(CultureInfo.InvariantCulture, $"bootstrap.servers={bootstrapServers}")
            .AppendLine("security.protocol=SASL_SSL")
            .AppendLine("sasl.mechanism=SCRAM-SHA-512")
            .AppendLine(CultureInfo.InvariantCulture, $"sasl.username={AdminUser}")
            .AppendLine(CultureInfo.InvariantCulture, $"sasl.password={adminPassword}")
            .AppendLine(CultureInfo.InvariantCulture, $"ssl.ca.location={certificates.CaCertificatePath}")
            .ToString();
        PrivateFile.Write(clientProperties, client);
        return new Result(brokerProperties, clientProperties, certificates.CaCertificatePath);
    }

    private static string EnsureSecret(string path)
    {
        if (File.Exists(path) && File.ReadAllText(path).Trim() is { Length: >= 16 } existing) return existing;
        var secret = Convert.ToHexString(RandomNumberGenerator.GetBytes(18)).ToLowerInvariant();
        PrivateFile.Write(path, secret);
        return secret;
    }
}
