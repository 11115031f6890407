using Fjord.Security.Credentials;

namespace Fjord.Security.Authentication;

/// <summary>The SASL mechanism names Fjord serves, spelt (case-sensitively) as Kafka's sasl.enabled.mechanisms spells them.</summary>
public static class SaslMechanismNames
{
    public const string Plain = "PLAIN";
    public const string ScramSha256 = ScramMechanisms.ScramSha256Name;
    public const string ScramSha512 = ScramMechanisms.ScramSha512Name;
    public const string OAuthBearer = "OAUTHBEARER";

    public static IReadOnlyList<string> Supported { get; } = [Plain, ScramSha256, ScramSha512, OAuthBearer];
}
