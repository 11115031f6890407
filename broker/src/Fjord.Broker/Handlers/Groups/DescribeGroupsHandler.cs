using Fjord.Broker.Network;
using Fjord.Groups;
using Fjord.Protocol;

namespace Fjord.Broker.Handlers.Groups;

/// <summary>DescribeGroups 0–5: state, protocol and members with their metadata and assignments.</summary>
public sealed class DescribeGroupsHandler(GroupCoordinator groups) : ApiHandler<DescribeGroupsRequest, DescribeGroupsResponse>
{
    public override ApiKey ApiKey => ApiKey.DescribeGroups;
    public override short MinVersion => 0;
    public override short MaxVersion => 5;

    protected override async ValueTask<DescribeGroupsResponse?> HandleAsync(RequestContext request, DescribeGroupsRequest body, CancellationToken ct)
    {
        var response = new DescribeGroupsResponse();
        foreach (var groupId in body.Groups)
        {
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
            response.Groups.Add(described);
        }
        return response;
    }
}
