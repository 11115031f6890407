namespace Fjord.Security.Credentials;

/// <summary>One stored SCRAM credential: whose, for which mechanism.</summary>
public sealed record UserScramCredential(string User, ScramMechanism Mechanism, ScramCredential Credential);
