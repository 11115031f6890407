namespace Fjord.ControlPlane.ApiKeys;

/// <summary>A new API key. <see cref="Secret"/> is the whole bearer token and exists only here: the table keeps its SHA-256.</summary>
public sealed record CreatedApiKey(ApiKeyPrincipal Principal, string Secret)
{
    // The secret stays out of anything that prints the record (logs, exceptions, test output).
    public override string ToString() => $"CreatedApiKey {{ Principal = {Principal} }}";
}
