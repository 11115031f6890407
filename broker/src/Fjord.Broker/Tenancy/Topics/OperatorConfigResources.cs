using Fjord.Broker.Metadata;

namespace Fjord.Broker.Tenancy.Topics;

/// <summary>
/// The config APIs' resources that are the operator's, not a tenant's (broker, broker logger, anything but a
/// topic). They are taken out of a tenant's request before the handler sees it, kept in the request's
/// TenantRewriteState, and answered CLUSTER_AUTHORIZATION_FAILED in their place in the response, which answers every
/// resource in request order.
/// </summary>
internal static class OperatorConfigResources
{
    public static bool IsTenants(sbyte resourceType) => (ConfigResourceType)resourceType == ConfigResourceType.Topic;

    /// <summary>Removes the operator's resources from <paramref name="resources"/>.</summary>
    /// <returns>The request's resources as they came, when some were removed; else null.</returns>
    public static List<TResource>? Remove<TResource>(List<TResource> resources, Func<TResource, sbyte> type)
    {
        if (resources.TrueForAll(r => IsTenants(type(r)))) return null;
        var all = new List<TResource>(resources);
        resources.RemoveAll(r => !IsTenants(type(r)));
        return all;
    }

    /// <summary>The handler's results with a refusal put back where each operator's resource was.</summary>
    public static List<TResult> Splice<TResource, TResult>(List<TResource> all, Func<TResource, sbyte> type, List<TResult> handled, Func<TResource, TResult> refuse)
    {
        var results = new List<TResult>(all.Count);
        var next = 0;
        foreach (var resource in all)
        {
            if (!IsTenants(type(resource))) results.Add(refuse(resource));
            else if (next < handled.Count) results.Add(handled[next++]);
        }
        return results;
    }
}
