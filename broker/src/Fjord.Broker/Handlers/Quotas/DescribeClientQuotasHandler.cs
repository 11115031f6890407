using Fjord.Broker.Network;
using Fjord.Protocol;
using Fjord.Security.Authorization;
using Fjord.Security.Quotas;

namespace Fjord.Broker.Handlers.Quotas;

/// <summary>
/// DescribeClientQuotas 0–1 (KIP-546): the quotas of every entity the filter matches, read from the store (not the
/// cache, which may be a poll behind another broker's write). Needs DescribeConfigs on the cluster, as in Kafka.
/// </summary>
public sealed class DescribeClientQuotasHandler(IClientQuotaStore store, IAuthorizer authorizer)
    : ApiHandler<DescribeClientQuotasRequest, DescribeClientQuotasResponse>
{
    public override ApiKey ApiKey => ApiKey.DescribeClientQuotas;
    public override short MinVersion => 0;
    public override short MaxVersion => 1;

    protected override async ValueTask<DescribeClientQuotasResponse?> HandleAsync(RequestContext request, DescribeClientQuotasRequest body, CancellationToken ct)
    {
        if (!authorizer.AuthorizeCluster(request, AclOperation.DescribeConfigs))
            return Failed(ErrorCode.ClusterAuthorizationFailed, "DescribeConfigs on the cluster is needed to describe client quotas");
        if (!ClientQuotaFilter.TryCreate(body, out var filter, out var problem))
            return Failed(ErrorCode.InvalidRequest, problem);

        var (quotas, _) = await store.LoadAsync(ct);
        var response = new DescribeClientQuotasResponse { ErrorMessage = null };
        foreach (var quota in quotas)
        {
            if (!filter.Matches(quota.Entity)) continue;
            var entry = new DescribeClientQuotasResponse.EntryData();
            foreach (var (type, name) in quota.Entity.Components)
                entry.Entity.Add(new DescribeClientQuotasResponse.EntityData { EntityType = type, EntityName = name });
            foreach (var (key, value) in quota.Values.OrderBy(v => v.Key, StringComparer.Ordinal))
                entry.Values.Add(new DescribeClientQuotasResponse.ValueData { Key = key, Value = value });
            response.Entries!.Add(entry);
        }
        return response;
    }

    private static DescribeClientQuotasResponse Failed(ErrorCode code, string message) =>
        new() { ErrorCode = (short)code, ErrorMessage = message, Entries = null };
}
