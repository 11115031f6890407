namespace Fjord.ControlPlane.Tenants;

/// <summary>Why a tenant operation was refused; each maps to one HTTP status and one CLI message.</summary>
public enum TenantErrorKind
{
    /// <summary>The request itself is wrong: an illegal id, a negative limit, an over-long display name (400).</summary>
    Invalid,

    /// <summary>No tenant has this id (404).</summary>
    NotFound,

    /// <summary>A tenant with this id exists already (409).</summary>
    AlreadyExists,

    /// <summary>The tenant's state does not allow it, e.g. resuming a tenant being deleted (409).</summary>
    Conflict,

    /// <summary>The caller's If-Match names a version of the tenant that is no longer (or never was) the stored one (412).</summary>
    PreconditionFailed,
}
