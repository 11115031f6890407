namespace Fjord.Security.Tenancy;

/// <summary>Where a tenant is in its life. Only an active tenant's principals authenticate.</summary>
public enum TenantState
{
    /// <summary>Its principals authenticate and its clients are served.</summary>
    Active,

    /// <summary>Its connections are closed and new ones refused; its data, users and ACLs stay.</summary>
    Suspended,

    /// <summary>Being deleted: refused like a suspended tenant while the controller removes its topics, groups, ACLs, users and quotas.</summary>
    Deleting,
}
