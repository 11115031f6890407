using Fjord.Broker.Network;
using Fjord.Groups;
using Fjord.Protocol;
using Fjord.Security.Authorization;

namespace Fjord.Broker.Handlers.Groups;

/// <summary>
/// LeaveGroup 0–5: one member before v3, a batch of members (static ones by instance id) from v3. Needs Read on
/// the group; refused with the top-level error only, as Kafka's error response.
/// </summary>
public sealed class LeaveGroupHandler(GroupCoordinator groups, IAuthorizer authorizer) : ApiHandler<LeaveGroupRequest, LeaveGroupResponse>
{
    public override ApiKey ApiKey => ApiKey.LeaveGroup;
    public override short MinVersion => 0;
    public override short MaxVersion => 5;

    protected override ValueTask<LeaveGroupResponse?> HandleAsync(RequestContext request, LeaveGroupRequest body, CancellationToken ct)
    {
        if (!authorizer.AuthorizeGroup(request, AclOperation.Read, body.GroupId))
            return ValueTask.FromResult<LeaveGroupResponse?>(new LeaveGroupResponse { ErrorCode = (short)ErrorCode.GroupAuthorizationFailed });
        var members = request.ApiVersion >= 3
            ? body.Members.Select(m => (m.MemberId, m.GroupInstanceId)).ToList()
            : [(body.MemberId, (string?)null)];
        var result = groups.LeaveGroup(body.GroupId, members);
        var response = new LeaveGroupResponse { ErrorCode = (short)result.Error };
        if (request.ApiVersion >= 3)
        {
            foreach (var member in result.Members)
                response.Members.Add(new LeaveGroupResponse.MemberResponse
                {
                    MemberId = member.MemberId,
                    GroupInstanceId = member.GroupInstanceId,
                    ErrorCode = (short)member.Error,
                });
        }
        else if (response.ErrorCode == 0 && result.Members.Count == 1)
        {
            // Before v3 the single member's error is the response's error.
            response.ErrorCode = (short)result.Members[0].Error;
        }
        return ValueTask.FromResult<LeaveGroupResponse?>(response);
    }
}
