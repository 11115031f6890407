namespace Fjord.ControlPlane.Client.Tenants;

/// <summary>
/// What a create answered: <see cref="Created"/> is true when this call created the tenant (201, and
/// <see cref="TenantModel.Admin"/> holds the admin's password, shown this once), false when the tenant existed already
/// with the same settings (200, no password).
/// </summary>
public sealed record CreatedTenantModel(TenantModel Tenant, bool Created);
