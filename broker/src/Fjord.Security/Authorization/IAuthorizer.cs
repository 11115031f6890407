using System.Net;
using Fjord.Security.Principals;

namespace Fjord.Security.Authorization;

/// <summary>
/// Decides Kafka ACL questions for request handlers. Decisions come from an in-memory snapshot of the ACLs
/// (refreshed from Table storage in the background), so a handler never waits on storage to authorize.
/// </summary>
public interface IAuthorizer
{
    /// <summary>
    /// True when <paramref name="principal"/> connected from <paramref name="host"/> may perform
    /// <paramref name="operation"/> on the named resource: super users always; else Deny wins over Allow;
    /// Read/Write/Delete/Alter imply Describe and AlterConfigs implies DescribeConfigs; a resource with no
    /// ACL at all is allowed only when allow.everyone.if.no.acl.found.
    /// </summary>
    bool Authorize(KafkaPrincipal principal, IPAddress host, AclOperation operation, ResourceType resourceType, string resourceName);

    /// <summary>
    /// Kafka's authorizeByResourceType: true when the principal may perform the operation on at least one
    /// resource of the type (some Allow that no Deny covers), e.g. Write on any topic for an idempotent producer.
    /// </summary>
    bool AuthorizeAny(KafkaPrincipal principal, IPAddress host, AclOperation operation, ResourceType resourceType);

    /// <summary>KIP-430: the bit set (1 &lt;&lt; (int)operation) of the given operations that are authorized on the resource.</summary>
    int AuthorizedOperations(KafkaPrincipal principal, IPAddress host, ResourceType resourceType, string resourceName, ReadOnlySpan<AclOperation> operations);
}
