namespace Fjord.Functions.Users;

/// <summary>One SCRAM credential of a user as the API shows it: its mechanism's SASL name and its rounds.</summary>
public sealed record UserCredentialResource(string Mechanism, int Iterations);
