using Fjord.Broker.Network;
using Fjord.Groups;
using Fjord.Protocol;
using Fjord.Security.Authorization;

namespace Fjord.Broker.Handlers.Groups;

/// <summary>Heartbeat 0–4: keeps a member's session alive and tells it when to rejoin. Needs Read on the group.</summary>
public sealed class HeartbeatHandler(GroupCoordinator groups, IAuthorizer authorizer) : ApiHandler<HeartbeatRequest, HeartbeatResponse>
{
    public override ApiKey ApiKey => ApiKey.Heartbeat;
    public override short MinVersion => 0;
    public override short MaxVersion => 4;

    protected override ValueTask<HeartbeatResponse?> HandleAsync(RequestContext request, HeartbeatRequest body, CancellationToken ct)
    {
        if (!authorizer.AuthorizeGroup(request, AclOperation.Read, body.GroupId))
            return ValueTask.FromResult<HeartbeatResponse?>(new HeartbeatResponse { ErrorCode = (short)ErrorCode.GroupAuthorizationFailed });
        var error = groups.Heartbeat(body.GroupId, body.GenerationId, body.MemberId, request.ApiVersion >= 3 ? body.GroupInstanceId : null);
        return ValueTask.FromResult<HeartbeatResponse?>(new HeartbeatResponse { ErrorCode = (short)error });
    }
}
