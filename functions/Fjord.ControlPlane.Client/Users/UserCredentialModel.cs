namespace Fjord.ControlPlane.Client.Users;

/// <summary>One SCRAM credential of a user: its mechanism's SASL name (<c>SCRAM-SHA-512</c>) and its PBKDF2 rounds.</summary>
public sealed record UserCredentialModel(string Mechanism, int Iterations);
