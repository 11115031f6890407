namespace Fjord.ControlPlane.Client.Acls;

/// <summary>
/// An ACL filter with Kafka's rules: a field left null matches anything; <c>resourceType</c> <c>Any</c> matches every
/// type; <c>patternType</c> <c>Match</c> takes in the <c>*</c> and prefixed bindings that apply to the name.
/// </summary>
public sealed record AclFilterModel(
    string? ResourceType = null,
    string? ResourceName = null,
    string? PatternType = null,
    string? Principal = null,
    string? Host = null,
    string? Operation = null,
    string? Permission = null)
{
    public static AclFilterModel Any { get; } = new();
}
