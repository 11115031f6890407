namespace Fjord.Broker.Security;

/// <summary>
/// Which config names hold secrets, so DescribeConfigs (and CreateTopics' config echo) never send their value:
/// Kafka answers is_sensitive = true with a null value for every PASSWORD-typed config. Decided by name rather
/// than by catalog entry so that a secret added to a catalog later (or a <c>listener.name.&lt;listener&gt;.</c>
/// form of one) is hidden without anyone remembering to mark it.
/// </summary>
public static class SensitiveConfigs
{
    // Suffixes, so that listener-prefixed forms (listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config,
    // listener.name.internal.ssl.keystore.password) match as well.
    private static readonly string[] SecretSuffixes =
    [
        ".password",            // ssl.keystore.password, ssl.key.password, ssl.truststore.password
        ".secret",              // password.encoder.secret, password.encoder.old.secret
        ".key",                 // ssl.keystore.key (PEM private key), delegation.token.secret.key, storage account keys
        "sasl.jaas.config",     // carries the user's password inline
        ".certificate.chain",   // ssl.keystore.certificate.chain is PASSWORD-typed in Kafka
        ".truststore.certificates",
        ".sas.token",
        ".client.secret",
        ".credentials",
    ];

    // Azure connection strings embed the account key (fjord.*.connection.string and its spellings).
    private static readonly string[] SecretInfixes = ["connection.string", "connectionstring", "connection-string"];

    public static bool IsSensitive(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        foreach (var suffix in SecretSuffixes)
            if (name.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)) return true;
        foreach (var infix in SecretInfixes)
            if (name.Contains(infix, StringComparison.OrdinalIgnoreCase)) return true;
        return false;
    }
}
