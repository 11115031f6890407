using Fjord.Broker.Network;
using Fjord.Security.Authorization;

namespace Fjord.Broker.Handlers;

/// <summary>
/// The questions handlers ask the authorizer, phrased as Kafka's AuthHelper does: always about the request's
/// session principal and the address it connected from, Cluster checks against the one "kafka-cluster" resource.
/// </summary>
internal static class RequestAuthorization
{
    // The operations Kafka's AclEntry.supportedOperations lists per resource type: KIP-430 answers report
    // a subset of exactly these (never All or Any).
    private static readonly AclOperation[] TopicOperations =
    [
        AclOperation.Read, AclOperation.Write, AclOperation.Create, AclOperation.Describe, AclOperation.Delete,
        AclOperation.Alter, AclOperation.DescribeConfigs, AclOperation.AlterConfigs,
    ];

    private static readonly AclOperation[] GroupOperations = [AclOperation.Read, AclOperation.Describe, AclOperation.Delete];

    private static readonly AclOperation[] ClusterOperations =
    [
        AclOperation.Create, AclOperation.ClusterAction, AclOperation.DescribeConfigs, AclOperation.AlterConfigs,
        AclOperation.IdempotentWrite, AclOperation.Alter, AclOperation.Describe,
    ];

    private static readonly AclOperation[] TransactionalIdOperations = [AclOperation.Describe, AclOperation.Write];

    public static bool Authorize(this IAuthorizer authorizer, RequestContext request, AclOperation operation, ResourceType resourceType, string resourceName) =>
        authorizer.Authorize(request.Session.Principal, request.Session.RemoteAddress, operation, resourceType, resourceName);

    public static bool AuthorizeCluster(this IAuthorizer authorizer, RequestContext request, AclOperation operation) =>
        authorizer.Authorize(request.Session.Principal, request.Session.RemoteAddress, operation, ResourceType.Cluster, ClusterResource(request.Session));

    /// <summary>The Cluster resource a session's Cluster ACLs are on: "kafka-cluster", or its tenant's own.</summary>
    public static string ClusterResource(ClientSession session) => session.Tenant?.ClusterResourceName ?? ResourcePattern.ClusterResourceName;

    public static bool AuthorizeTopic(this IAuthorizer authorizer, RequestContext request, AclOperation operation, string topic) =>
        authorizer.Authorize(request.Session.Principal, request.Session.RemoteAddress, operation, ResourceType.Topic, topic);

    public static bool AuthorizeGroup(this IAuthorizer authorizer, RequestContext request, AclOperation operation, string groupId) =>
        authorizer.Authorize(request.Session.Principal, request.Session.RemoteAddress, operation, ResourceType.Group, groupId);

    public static bool AuthorizeTransactionalId(this IAuthorizer authorizer, RequestContext request, AclOperation operation, string transactionalId) =>
        authorizer.Authorize(request.Session.Principal, request.Session.RemoteAddress, operation, ResourceType.TransactionalId, transactionalId);

    public static bool AuthorizeAny(this IAuthorizer authorizer, RequestContext request, AclOperation operation, ResourceType resourceType) =>
        authorizer.AuthorizeAny(request.Session.Principal, request.Session.RemoteAddress, operation, resourceType);

    /// <summary>
    /// KIP-430's authorized_operations for one resource: the bit set of the supported operations of its type
    /// that the principal may perform (Kafka's AuthHelper.authorizedOperations).
    /// </summary>
    public static int AuthorizedOperations(this IAuthorizer authorizer, RequestContext request, ResourceType resourceType, string resourceName) =>
        authorizer.AuthorizedOperations(request.Session.Principal, request.Session.RemoteAddress, resourceType, resourceName, SupportedOperations(resourceType));

    public static ReadOnlySpan<AclOperation> SupportedOperations(ResourceType resourceType) => resourceType switch
    {
        ResourceType.Topic => TopicOperations,
        ResourceType.Group => GroupOperations,
        ResourceType.Cluster => ClusterOperations,
        ResourceType.TransactionalId => TransactionalIdOperations,
        _ => [],
    };
}
