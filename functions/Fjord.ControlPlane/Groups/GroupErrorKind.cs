namespace Fjord.ControlPlane.Groups;

/// <summary>Why a consumer-group request was refused; each maps to one HTTP status.</summary>
public enum GroupErrorKind
{
    /// <summary>An illegal tenant id or group id (400).</summary>
    Invalid,

    /// <summary>No such tenant, or no such group of the tenant (404).</summary>
    NotFound,
}
