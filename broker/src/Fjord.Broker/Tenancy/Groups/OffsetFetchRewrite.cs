using Fjord.Broker.Network;
using Fjord.Protocol;
using Fjord.Security.Tenancy;

namespace Fjord.Broker.Tenancy.Groups;

/// <summary>
/// OffsetFetch: the group id and its topics before v8, each group's id and topics from v8 (null topics, all of
/// the group's, stay null); the response's groups and topics back. A group's offsets are only ever for topics
/// of the group's tenant, but a topic that is not the tenant's is dropped all the same.
/// </summary>
public sealed class OffsetFetchRewrite : TenantRewrite<OffsetFetchRequest, OffsetFetchResponse>
{
    public static readonly OffsetFetchRewrite Instance = new();

    public override OffsetFetchResponse? ToStored(TenantScope tenant, RequestContext context, OffsetFetchRequest request)
    {
        request.GroupId = TenantNames.ToStored(tenant, request.GroupId);
        foreach (var topic in request.Topics ?? []) topic.Name = TenantNames.ToStored(tenant, topic.Name);
        foreach (var group in request.Groups)
        {
            group.GroupId = TenantNames.ToStored(tenant, group.GroupId);
            foreach (var topic in group.Topics ?? []) topic.Name = TenantNames.ToStored(tenant, topic.Name);
        }
        return null;
    }

    public override void ToClient(TenantScope tenant, RequestContext context, OffsetFetchRequest request, OffsetFetchResponse response)
    {
        TenantNames.KeepOwn(tenant, response.Topics, static t => t.Name, static (t, name) => t.Name = name);
        TenantNames.KeepOwn(tenant, response.Groups, static g => g.GroupId, static (g, id) => g.GroupId = id);
        foreach (var group in response.Groups)
            TenantNames.KeepOwn(tenant, group.Topics, static t => t.Name, static (t, name) => t.Name = name);
    }
}
