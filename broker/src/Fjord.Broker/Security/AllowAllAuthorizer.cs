using System.Net;
using Fjord.Security.Authorization;
using Fjord.Security.Principals;

namespace Fjord.Broker.Security;

/// <summary>
/// What a broker without <c>authorizer.class.name</c> does, as in Kafka: with no authorizer configured every
/// request is allowed, and KIP-430 answers report every operation the resource type supports.
/// </summary>
public sealed class AllowAllAuthorizer : IAuthorizer
{
    public static readonly AllowAllAuthorizer Instance = new();

    public bool Authorize(KafkaPrincipal principal, IPAddress host, AclOperation operation, ResourceType resourceType, string resourceName) => true;

    public bool AuthorizeAny(KafkaPrincipal principal, IPAddress host, AclOperation operation, ResourceType resourceType) => true;

    public int AuthorizedOperations(KafkaPrincipal principal, IPAddress host, ResourceType resourceType, string resourceName, ReadOnlySpan<AclOperation> operations)
    {
        var bits = 0;
        foreach (var operation in operations)
            bits |= 1 << (int)operation;
        return bits;
    }
}
