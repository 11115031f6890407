namespace Fjord.Security.Authorization;

/// <summary>One ACL: an access control entry bound to a resource pattern.</summary>
public sealed record AclBinding(ResourcePattern Pattern, AccessControlEntry Entry);
