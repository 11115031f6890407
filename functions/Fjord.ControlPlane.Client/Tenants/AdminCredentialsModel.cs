namespace Fjord.ControlPlane.Client.Tenants;

/// <summary>The tenant admin's SASL/SCRAM login, present only in the answer that created the tenant.</summary>
public sealed record AdminCredentialsModel(string Username, string Password)
{
    public override string ToString() => $"AdminCredentialsModel {{ Username = {Username} }}";
}
