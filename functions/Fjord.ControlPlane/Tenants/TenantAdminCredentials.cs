namespace Fjord.ControlPlane.Tenants;

/// <summary>
/// A tenant admin's SASL/SCRAM login. The password exists only here: the store keeps salted SCRAM keys, so it
/// cannot be shown again (a lost one is replaced with <see cref="TenantAdministration.ResetAdminPasswordAsync"/>).
/// </summary>
/// <param name="Username">What the client logs in as: <c>id.admin</c>, also its principal <c>User:id.admin</c>.</param>
public sealed record TenantAdminCredentials(string Username, string Password)
{
    // The password stays out of anything that prints the record (logs, exceptions, test output).
    public override string ToString() => $"TenantAdminCredentials {{ Username = {Username} }}";
}
