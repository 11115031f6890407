using Fjord.Broker.Network;
using Fjord.Groups;
using Fjord.Protocol;
using Fjord.Security.Authorization;

namespace Fjord.Broker.Handlers.Groups;

/// <summary>DeleteGroups 0–2: only empty groups go, with every committed offset they had. Each group needs Delete.</summary>
public sealed class DeleteGroupsHandler(GroupCoordinator groups, IAuthorizer authorizer) : ApiHandler<DeleteGroupsRequest, DeleteGroupsResponse>
{
    public override ApiKey ApiKey => ApiKey.DeleteGroups;
    public override short MinVersion => 0;
    public override short MaxVersion => 2;

    protected override async ValueTask<DeleteGroupsResponse?> HandleAsync(RequestContext request, DeleteGroupsRequest body, CancellationToken ct)
    {
        var response = new DeleteGroupsResponse();
        foreach (var groupId in body.GroupsNames)
            response.Results.Add(new DeleteGroupsResponse.DeletableGroupResult
            {
                GroupId = groupId,
                ErrorCode = authorizer.AuthorizeGroup(request, AclOperation.Delete, groupId)
                    ? (short)await groups.DeleteGroupAsync(groupId, ct) : (short)ErrorCode.GroupAuthorizationFailed,
            });
        return response;
    }
}
