namespace Fjord.Security.Credentials;

/// <summary>A struct key so that looking a credential up allocates nothing; user names compare ordinally.</summary>
public readonly record struct ScramCredentialKey(string User, ScramMechanism Mechanism);
