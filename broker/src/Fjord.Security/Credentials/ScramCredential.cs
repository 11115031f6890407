namespace Fjord.Security.Credentials;

/// <summary>
/// What the broker keeps of a SCRAM password (RFC 5802): the salt, the iteration count and the two keys
/// derived from the salted password. The password itself is never stored; it cannot be recovered from these.
/// </summary>
public sealed record ScramCredential(byte[] Salt, byte[] StoredKey, byte[] ServerKey, int Iterations);
