namespace Fjord.Broker.Configuration;

/// <summary>Kafka's security protocols: what a listener wraps its connections in.</summary>
public enum SecurityProtocol
{
    Plaintext,
    Ssl,
    SaslPlaintext,
    SaslSsl,
}

public static class SecurityProtocols
{
    public static bool UsesTls(this SecurityProtocol protocol) => protocol is SecurityProtocol.Ssl or SecurityProtocol.SaslSsl;

    public static bool UsesSasl(this SecurityProtocol protocol) => protocol is SecurityProtocol.SaslPlaintext or SecurityProtocol.SaslSsl;

    /// <summary>Kafka's name, as in listener.security.protocol.map and a client's security.protocol.</summary>
    public static string KafkaName(this SecurityProtocol protocol) => protocol switch
    {
        SecurityProtocol.Ssl => "SSL",
        SecurityProtocol.SaslPlaintext => "SASL_PLAINTEXT",
        SecurityProtocol.SaslSsl => "SASL_SSL",
        _ => "PLAINTEXT",
    };

    public static bool TryParse(string name, out SecurityProtocol protocol)
    {
        switch (name.Trim().ToUpperInvariant())
        {
            case "PLAINTEXT": protocol = SecurityProtocol.Plaintext; return true;
            case "SSL": protocol = SecurityProtocol.Ssl; return true;
            case "SASL_PLAINTEXT": protocol = SecurityProtocol.SaslPlaintext; return true;
            case "SASL_SSL": protocol = SecurityProtocol.SaslSsl; return true;
            default: protocol = SecurityProtocol.Plaintext; return false;
        }
    }
}
