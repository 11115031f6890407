using Fjord.Broker.Network;
using Fjord.Security.Authorization;
using Fjord.Security.Tenancy;

namespace Fjord.Broker.Handlers.Acls;

/// <summary>
/// What the three ACL APIs share: the cluster-level check that guards them and the mapping between wire codes
/// and the ACL model. Codes are cast, not checked, here: an undefined code becomes an undefined enum value that
/// <see cref="AclValidation"/> refuses with a message naming it.
/// </summary>
internal static class AclWire
{
    public const string ClusterAuthorizationFailedMessage = "Cluster authorization failed.";

    /// <summary>Kafka's answer when the broker has no authorizer (authorizer.class.name is empty).</summary>
    public const string SecurityDisabledMessage = "No authorizer is configured on the broker (authorizer.class.name is empty), so there are no ACLs";

    /// <summary>Kafka guards CreateAcls and DeleteAcls with Alter on the cluster, DescribeAcls with Describe.</summary>
    public static bool AuthorizeCluster(IAuthorizer authorizer, RequestContext request, AclOperation operation) =>
        authorizer.Authorize(request.Session.Principal, request.Session.RemoteAddress, operation, ResourceType.Cluster, RequestAuthorization.ClusterResource(request.Session));

    public static AclBinding ToBinding(sbyte resourceType, string resourceName, sbyte patternType, string principal, string host, sbyte operation, sbyte permissionType) =>
        new(new ResourcePattern((ResourceType)resourceType, resourceName, (PatternType)patternType),
            new AccessControlEntry(principal, host, (AclOperation)operation, (AclPermissionType)permissionType));

    public static AclBindingFilter ToFilter(sbyte resourceType, string? resourceName, sbyte patternType, string? principal, string? host, sbyte operation, sbyte permissionType) =>
        new((ResourceType)resourceType, resourceName, (PatternType)patternType, principal, host, (AclOperation)operation, (AclPermissionType)permissionType);

    /// <summary>Orders ACLs the same way on every broker, so a describe answers identically wherever it lands.</summary>
    public static IOrderedEnumerable<AclBinding> InStableOrder(IEnumerable<AclBinding> acls) =>
        acls.OrderBy(a => a.Pattern.ResourceType)
            .ThenBy(a => a.Pattern.Name, StringComparer.Ordinal)
            .ThenBy(a => a.Pattern.PatternType)
            .ThenBy(a => a.Entry.Principal, StringComparer.Ordinal)
            .ThenBy(a => a.Entry.Host, StringComparer.Ordinal)
            .ThenBy(a => a.Entry.Operation)
            .ThenBy(a => a.Entry.PermissionType);
}
