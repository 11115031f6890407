namespace Fjord.Security.Credentials;

/// <summary>Kafka's SCRAM mechanisms, with the wire codes of Describe/AlterUserScramCredentials.</summary>
public enum ScramMechanism : sbyte
{
    Unknown = 0,
    ScramSha256 = 1,
    ScramSha512 = 2,
}
