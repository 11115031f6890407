using Fjord.Protocol;
using Fjord.Security.Tenancy;

namespace Fjord.Broker.Network;

/// <summary>
/// How one API's names cross the border of a tenant's namespace. A tenant's request has every name it carries
/// (topics, topic ids, group ids, transactional ids, principals, ACL patterns, quota entities) turned into the
/// stored form before its handler sees it, and the response has the stored names turned back and everything
/// that is not the tenant's dropped, so the handler works on stored names alone and a tenant can neither name
/// nor see anything outside its namespace. Operators' requests (no tenant) are not rewritten.
/// </summary>
public abstract class TenantRewrite<TRequest, TResponse>
    where TRequest : IKafkaMessage
    where TResponse : class, IKafkaMessage
{
    /// <summary>Moves every name of <paramref name="request"/> into <paramref name="tenant"/>'s namespace, in place.</summary>
    /// <returns>
    /// A response to send instead of handling the request (what this tenant may not do at all, answered with the
    /// API's own error), or null to hand the rewritten request to the handler.
    /// </returns>
    public abstract TResponse? ToStored(TenantScope tenant, RequestContext context, TRequest request);

    /// <summary>Turns every stored name of <paramref name="response"/> back into the tenant's, in place, and drops what is not the tenant's.</summary>
    public abstract void ToClient(TenantScope tenant, RequestContext context, TRequest request, TResponse response);
}
