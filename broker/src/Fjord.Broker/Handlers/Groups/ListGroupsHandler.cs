using Fjord.Broker.Network;
using Fjord.Groups;
using Fjord.Protocol;
using Fjord.Security.Authorization;

namespace Fjord.Broker.Handlers.Groups;

/// <summary>
/// ListGroups 0–5, with state (v4) and type (v5) filters; Kafka compares states case-insensitively. Describe on
/// the cluster lists every group; without it only the groups the principal may Describe are listed (never
/// CLUSTER_AUTHORIZATION_FAILED, as security.html says).
/// </summary>
public sealed class ListGroupsHandler(GroupCoordinator coordinator, IAuthorizer authorizer) : ApiHandler<ListGroupsRequest, ListGroupsResponse>
{
    public override ApiKey ApiKey => ApiKey.ListGroups;
    public override short MinVersion => 0;
    public override short MaxVersion => 5;

    protected override async ValueTask<ListGroupsResponse?> HandleAsync(RequestContext request, ListGroupsRequest body, CancellationToken ct)
    {
        var states = request.ApiVersion >= 4 && body.StatesFilter.Count > 0 ? body.StatesFilter.ToHashSet(StringComparer.OrdinalIgnoreCase) : null;
        var types = request.ApiVersion >= 5 && body.TypesFilter.Count > 0 ? body.TypesFilter.ToHashSet(StringComparer.OrdinalIgnoreCase) : null;
        var groups = await coordinator.ListGroupsAsync(states, types, ct);
        var all = authorizer.AuthorizeCluster(request, AclOperation.Describe);
        var response = new ListGroupsResponse();
        foreach (var group in groups)
        {
            if (!all && !authorizer.AuthorizeGroup(request, AclOperation.Describe, group.GroupId)) continue;
            response.Groups.Add(new ListGroupsResponse.ListedGroup
            {
                GroupId = group.GroupId,
                ProtocolType = group.ProtocolType,
                GroupState = group.State.ToString(),
                GroupType = group.GroupType,
            });
        }
        return response;
    }
}
