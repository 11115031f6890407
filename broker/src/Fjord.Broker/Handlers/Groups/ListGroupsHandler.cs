using Fjord.Broker.Network;
using Fjord.Groups;
using Fjord.Protocol;

namespace Fjord.Broker.Handlers.Groups;

/// <summary>ListGroups 0–5, with state (v4) and type (v5) filters; Kafka compares states case-insensitively.</summary>
public sealed class ListGroupsHandler(GroupCoordinator coordinator) : ApiHandler<ListGroupsRequest, ListGroupsResponse>
{
    public override ApiKey ApiKey => ApiKey.ListGroups;
    public override short MinVersion => 0;
    public override short MaxVersion => 5;

    protected override async ValueTask<ListGroupsResponse?> HandleAsync(RequestContext request, ListGroupsRequest body, CancellationToken ct)
    {
        var states = request.ApiVersion >= 4 && body.StatesFilter.Count > 0 ? body.StatesFilter.ToHashSet(StringComparer.OrdinalIgnoreCase) : null;
        var types = request.ApiVersion >= 5 && body.TypesFilter.Count > 0 ? body.TypesFilter.ToHashSet(StringComparer.OrdinalIgnoreCase) : null;
        var groups = await coordinator.ListGroupsAsync(states, types, ct);
        var response = new ListGroupsResponse();
        foreach (var group in groups)
            response.Groups.Add(new ListGroupsResponse.ListedGroup
            {
                GroupId = group.GroupId,
                ProtocolType = group.ProtocolType,
                GroupState = group.State.ToString(),
                GroupType = group.GroupType,
            });
        return response;
    }
}
