namespace Fjord.Functions.Tenants;

/// <summary>The tenant admin's SASL/SCRAM login, in the answer to the PUT that created the tenant and nowhere else.</summary>
public sealed record AdminCredentialsResource(string Username, string Password)
{
    public override string ToString() => $"AdminCredentialsResource {{ Username = {Username} }}";
}
