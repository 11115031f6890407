using Fjord.Broker.Network;
using Fjord.Groups;
using Fjord.Protocol;
using Fjord.Security.Authorization;

namespace Fjord.Broker.Handlers.Groups;

/// <summary>SyncGroup 0–5: the leader hands in the assignment; everyone waits for their share. Needs Read on the group.</summary>
public sealed class SyncGroupHandler(GroupCoordinator groups, IAuthorizer authorizer) : ApiHandler<SyncGroupRequest, SyncGroupResponse>
{
    public override ApiKey ApiKey => ApiKey.SyncGroup;
    public override short MinVersion => 0;
    public override short MaxVersion => 5;

    protected override async ValueTask<SyncGroupResponse?> HandleAsync(RequestContext request, SyncGroupRequest body, CancellationToken ct)
    {
        if (!authorizer.AuthorizeGroup(request, AclOperation.Read, body.GroupId))
            return new SyncGroupResponse { ErrorCode = (short)ErrorCode.GroupAuthorizationFailed };
        var command = new SyncGroupCommand(
            body.GroupId,
            body.GenerationId,
            body.MemberId,
            request.ApiVersion >= 3 ? body.GroupInstanceId : null,
            request.ApiVersion >= 5 ? body.ProtocolType : null,
            request.ApiVersion >= 5 ? body.ProtocolName : null,
            body.Assignments.Select(a => (a.MemberId, a.Assignment.ToArray())).ToList());
        var result = await groups.SyncGroupAsync(command, ct);
        return new SyncGroupResponse
        {
            ErrorCode = (short)result.Error,
            ProtocolType = result.ProtocolType,
            ProtocolName = result.ProtocolName,
            Assignment = result.Assignment,
        };
    }
}
