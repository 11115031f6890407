namespace Fjord.Security.Tls;

/// <summary>
/// A TLS setting that cannot be used: the message names the Kafka property and what is wrong with it, so an
/// operator can fix the configuration without reading code.
/// </summary>
public sealed class SslConfigException : Exception
{
    public SslConfigException(string setting, string problem)
        : base($"{setting}: {problem}")
    {
        Setting = setting;
    }

    public SslConfigException(string setting, string problem, Exception inner)
        : base($"{setting}: {problem}", inner)
    {
        Setting = setting;
    }

    /// <summary>The Kafka property name at fault (e.g. <c>ssl.keystore.location</c>).</summary>
    public string Setting { get; }
}
