namespace Fjord.ControlPlane.Client.Acls;

/// <summary>ACL bindings in the API's stable order (resource type, name, pattern type, principal, host, operation, permission).</summary>
public sealed record AclListModel(IReadOnlyList<AclBindingModel> Items);
