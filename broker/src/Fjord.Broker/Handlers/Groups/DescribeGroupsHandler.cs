using Fjord.Broker.Network;
using Fjord.Groups;
using Fjord.Protocol;
using Fjord.Security.Authorization;

namespace Fjord.Broker.Handlers.Groups;

/// <summary>
/// DescribeGroups 0–5: state, protocol and members with their metadata and assignments. Each group needs
/// Describe (else GROUP_AUTHORIZATION_FAILED, decided before the group is looked up); v3+ may ask for the
/// KIP-430 authorized operations.
/// </summary>
public sealed class DescribeGroupsHandler(GroupCoordinator groups, IAuthorizer authorizer) : ApiHandler<DescribeGroupsRequest, DescribeGroupsResponse>
{
    public override ApiKey ApiKey => ApiKey.DescribeGroups;
    public override short MinVersion => 0;
    public override short MaxVersion => 5;

    protected override async ValueTask<DescribeGroupsResponse?> HandleAsync(RequestContext request, DescribeGroupsRequest body, CancellationToken ct)
    {
        var response = new DescribeGroupsResponse();
        foreach (var groupId in body.Groups)
        {
            if (!authorizer.AuthorizeGroup(request, AclOperation.Describe, groupId))
            {
                // Kafka's DescribeGroupsResponse.groupError: empty state and protocol, operations omitted.
                response.Groups.Add(new DescribeGroupsResponse.DescribedGroup { ErrorCode = (short)ErrorCode.GroupAuthorizationFailed, GroupId = groupId });
                continue;
            }
            var group = await groups.DescribeGroupAsync(groupId, ct);
            var described = new DescribeGroupsResponse.DescribedGroup
            {
                ErrorCode = (short)group.Error,
                GroupId = groupId,
                GroupState = group.State.ToString(),
                ProtocolType = group.ProtocolType,
                ProtocolData = group.ProtocolName,
            };
            foreach (var member in group.Members)
                described.Members.Add(new DescribeGroupsResponse.DescribedGroupMember
                {
                    MemberId = member.MemberId,
                    GroupInstanceId = member.GroupInstanceId,
                    ClientId = member.ClientId,
                    ClientHost = member.ClientHost,
                    MemberMetadata = member.Metadata,
                    MemberAssignment = member.Assignment,
                });
            if (request.ApiVersion >= 3 && body.IncludeAuthorizedOperations)
                described.AuthorizedOperations = authorizer.AuthorizedOperations(request, ResourceType.Group, groupId);
            response.Groups.Add(described);
        }
        return response;
    }
}
