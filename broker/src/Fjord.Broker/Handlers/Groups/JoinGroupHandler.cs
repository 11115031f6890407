using Fjord.Broker.Network;
using Fjord.Groups;
using Fjord.Protocol;
using Fjord.Security.Authorization;

namespace Fjord.Broker.Handlers.Groups;

/// <summary>JoinGroup 0–9: a long-poll that completes when the group's join phase does. Needs Read on the group.</summary>
public sealed class JoinGroupHandler(GroupCoordinator groups, IAuthorizer authorizer) : ApiHandler<JoinGroupRequest, JoinGroupResponse>
{
    public override ApiKey ApiKey => ApiKey.JoinGroup;
    public override short MinVersion => 0;
    public override short MaxVersion => 9;

    protected override async ValueTask<JoinGroupResponse?> HandleAsync(RequestContext request, JoinGroupRequest body, CancellationToken ct)
    {
        if (!authorizer.AuthorizeGroup(request, AclOperation.Read, body.GroupId))
        {
            // Kafka's JoinGroupResult(memberId, error): the caller's member id back, no generation or leader.
            return new JoinGroupResponse
            {
                ErrorCode = (short)ErrorCode.GroupAuthorizationFailed,
                GenerationId = -1,
                ProtocolName = request.ApiVersion >= 7 ? null : "",
                MemberId = body.MemberId,
            };
        }
        var command = new JoinGroupCommand(
            body.GroupId,
            body.MemberId,
            request.ApiVersion >= 5 ? body.GroupInstanceId : null,
            body.ProtocolType,
            body.Protocols.Select(p => (p.Name, p.Metadata.ToArray())).ToList(),
            body.SessionTimeoutMs,
            request.ApiVersion >= 1 ? body.RebalanceTimeoutMs : body.SessionTimeoutMs,
            request.ClientId ?? "",
            request.Session.RemoteAddress.ToString(),
            RequireKnownMemberId: request.ApiVersion >= 4,
            SupportsSkipAssignment: request.ApiVersion >= 9,
            Reason: request.ApiVersion >= 8 ? body.Reason : null);
        var result = await groups.JoinGroupAsync(command, ct);
        var response = new JoinGroupResponse
        {
            ErrorCode = (short)result.Error,
            GenerationId = result.GenerationId,
            ProtocolType = result.ProtocolType,
            // Before v7 the protocol name is not nullable: Kafka sends "" when there is none.
            ProtocolName = result.ProtocolName ?? (request.ApiVersion >= 7 ? null : ""),
            Leader = result.LeaderId,
            SkipAssignment = result.SkipAssignment,
            MemberId = result.MemberId,
        };
        foreach (var member in result.Members)
            response.Members.Add(new JoinGroupResponse.JoinGroupResponseMember
            {
                MemberId = member.MemberId,
                GroupInstanceId = member.GroupInstanceId,
                Metadata = member.Metadata,
            });
        return response;
    }
}
