using Fjord.Broker.Configuration;
using Fjord.Security.Authentication;

namespace Fjord.Broker.Security;

/// <summary>The broker's security settings under Kafka's names (and Fjord's own for its Table storage).</summary>
public sealed class SecurityConfig(BrokerConfig config)
{
    /// <summary>
    /// Kafka's authorizer.class.name: empty means no authorization (everything allowed, as in Kafka); Kafka's
    /// StandardAuthorizer / AclAuthorizer class names and "fjord" select Fjord's ACL authorizer.
    /// </summary>
    public bool AclsEnabled
    {
        get
        {
            var name = config.Get("authorizer.class.name")?.Trim();
            if (string.IsNullOrEmpty(name)) return false;
            if (name is "fjord" or "org.apache.kafka.metadata.authorizer.StandardAuthorizer" or "kafka.security.authorizer.AclAuthorizer") return true;
            throw new ConfigException($"authorizer.class.name={name} is not an authorizer Fjord has (use org.apache.kafka.metadata.authorizer.StandardAuthorizer, or leave it empty for none)");
        }
    }

    public string? SuperUsers => config.Get("super.users");
    public bool AllowEveryoneIfNoAclFound => config.GetBool("allow.everyone.if.no.acl.found", false);
    public string AclTable => config.Get("fjord.acl.table") ?? "fjordacls";
    public string ScramTable => config.Get("fjord.scram.table") ?? "fjordscram";
    public string TenantTable => config.Get("fjord.tenant.table") ?? "fjordtenants";

    /// <summary>The revoked client certificates the control plane writes; read by a broker with any TLS listener.</summary>
    public string CertificateRevocationTable => config.Get("fjord.certificate.revocation.table") ?? "fjordcertrevocations";

    /// <summary>How often every broker checks Table storage for changed ACLs and credentials: the bound on how late a revocation lands.</summary>
    public TimeSpan PollInterval => TimeSpan.FromMilliseconds(Math.Max(50, config.GetInt("fjord.security.poll.interval.ms", 500)));

    /// <summary>A file of hashed SCRAM credentials created at start when missing: a fresh cluster's first (super) user.</summary>
    public string? BootstrapUsersFile => config.Get("fjord.sasl.bootstrap.users");

    public IReadOnlyList<string> SaslEnabledMechanisms(string listener) =>
        (config.GetForListener(listener, "sasl.enabled.mechanisms") ?? $"{SaslMechanismNames.ScramSha512},{SaslMechanismNames.ScramSha256},{SaslMechanismNames.Plain}")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public long ConnectionsMaxReauthMs(string listener) => Long(listener, "connections.max.reauth.ms", 0);
    public int SaslServerMaxReceiveSize(string listener) => (int)Long(listener, "sasl.server.max.receive.size", 524_288);
    public TimeSpan FailedAuthenticationDelay(string listener) => TimeSpan.FromMilliseconds(Long(listener, "connection.failed.authentication.delay.ms", 100));

    /// <summary>A TLS handshake not done by then is cut (Fjord's; Kafka bounds it by the idle timeout).</summary>
    public TimeSpan TlsHandshakeTimeout(string listener) => TimeSpan.FromMilliseconds(Long(listener, "fjord.ssl.handshake.timeout.ms", 10_000));

    public string InterBrokerSaslMechanism => config.Get("sasl.mechanism.inter.broker.protocol") ?? SaslMechanismNames.Plain;

    /// <summary>The inter-broker listener's sasl.jaas.config for the inter-broker mechanism, as Kafka looks it up.</summary>
    public string? InterBrokerJaasConfig(string listener) =>
        config.Get($"listener.name.{listener.ToLowerInvariant()}.{InterBrokerSaslMechanism.ToLowerInvariant()}.sasl.jaas.config")
        ?? config.GetForListener(listener, "sasl.jaas.config");

    public Func<string, string?> ListenerLookup(string listener) => name => config.GetForListener(listener, name);

    private long Long(string listener, string name, long fallback)
    {
        var raw = config.GetForListener(listener, name);
        if (raw is null) return fallback;
        return long.TryParse(raw.Trim(), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var value) && value >= 0
            ? value
            : throw new ConfigException($"{name}={raw} is not a non-negative integer");
    }
}
