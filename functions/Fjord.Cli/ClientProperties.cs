using System.Text;
using Fjord.Security.Tls;

namespace Fjord.Cli;

/// <summary>
/// A client configuration for a tenant's user (its admin, or one made with <c>fjord user create</c>) with the keys of the local run's client.properties (librdkafka,
/// kcat and the Java client share these names), written readable by its owner only, as it holds a password.
/// </summary>
internal static class ClientProperties
{
    public static string Format(string tenantId, string bootstrapServers, string username, string password, string? caLocation)
    {
        var text = new StringBuilder()
            .Append("# Fjord tenant ").Append(tenantId).Append(": ").Append(username).AppendLine(" over SASL_SSL (librdkafka / kcat / Java client names).")
            .Append("bootstrap.servers=").AppendLine(bootstrapServers)
            .AppendLine("security.protocol=SASL_SSL")
            .AppendLine("sasl.mechanism=SCRAM-SHA-512")
            .Append("sasl.username=").AppendLine(username)
            .Append("sasl.password=").AppendLine(password);
        if (caLocation is not null) text.Append("ssl.ca.location=").AppendLine(caLocation);
        return text.ToString();
    }

    public static void Write(string path, string contents) => PrivateFile.Write(path, contents);
}
