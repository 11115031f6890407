namespace Fjord.ControlPlane.ApiKeys;

/// <summary>The outcome of checking a bearer token; every outcome but <see cref="Valid"/> is a 401.</summary>
public enum ApiKeyCheck
{
    Valid,

    /// <summary>Not shaped like a Fjord API key at all.</summary>
    Malformed,

    /// <summary>No key with this id, or its secret does not match: the two are not told apart, so ids cannot be probed.</summary>
    Unknown,

    Expired,

    /// <summary>A valid Entra ID token whose app roles give it no right here (neither operator nor exactly one tenant).</summary>
    NoRole,
}
