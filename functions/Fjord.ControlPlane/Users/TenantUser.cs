namespace Fjord.ControlPlane.Users;

/// <summary>A SCRAM user of a tenant, as the tenant names it, with its credentials' mechanisms (never their keys).</summary>
/// <param name="Name">The tenant's name for the user (<c>bob</c>).</param>
/// <param name="Username">What the client logs in as, and its principal's name: <c>acme.bob</c>.</param>
public sealed record TenantUser(string Name, string Username, IReadOnlyList<UserCredentialInfo> Credentials);
