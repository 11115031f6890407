namespace Fjord.ControlPlane.Groups;

/// <summary>A consumer-group request refused for a reason the caller can act on; its message speaks the tenant's own names.</summary>
public sealed class GroupAdministrationException(GroupErrorKind kind, string message) : Exception(message)
{
    public GroupErrorKind Kind { get; } = kind;
}
