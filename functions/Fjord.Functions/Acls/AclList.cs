namespace Fjord.Functions.Acls;

/// <summary>ACL bindings in a stable order (resource type, name, pattern type, principal, host, operation, permission).</summary>
public sealed record AclList(IReadOnlyList<AclResource> Items);
