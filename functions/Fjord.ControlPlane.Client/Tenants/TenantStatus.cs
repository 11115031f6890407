namespace Fjord.ControlPlane.Client.Tenants;

/// <summary>A tenant's state as the API names it (<c>"active"</c>, <c>"suspended"</c>, <c>"deleting"</c>).</summary>
public enum TenantStatus
{
    Active,
    Suspended,
    Deleting,
}
