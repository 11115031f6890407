namespace Fjord.ControlPlane.Tenants;

/// <summary>A tenant operation refused for a reason the caller can act on; its message is fit to show to an operator as it is.</summary>
public sealed class TenantAdministrationException(TenantErrorKind kind, string message) : Exception(message)
{
    public TenantErrorKind Kind { get; } = kind;
}
