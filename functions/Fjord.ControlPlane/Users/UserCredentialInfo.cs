using Fjord.Security.Credentials;

namespace Fjord.ControlPlane.Users;

/// <summary>One SCRAM credential of a user: its mechanism and PBKDF2 rounds; the salt and keys stay in the store.</summary>
public sealed record UserCredentialInfo(ScramMechanism Mechanism, int Iterations);
