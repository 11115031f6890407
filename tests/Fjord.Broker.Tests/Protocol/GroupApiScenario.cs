using System.Buffers.Binary;
using System.Text;
using Fjord.Broker.Tests.Infrastructure;
using Fjord.Protocol;

namespace Fjord.Broker.Tests.Protocol;

/// <summary>A member that has joined and synced: what every later group request must quote back.</summary>
public sealed record JoinedMember(string GroupId, string MemberId, int GenerationId, string ProtocolName);

/// <summary>
/// The group steps the consumer-group protocol tests share, each at the newest version (so a test
/// of an older version exercises only the version under test) and each asserting its own success.
/// </summary>
public static class GroupApiScenario
{
    public const string ConsumerProtocolType = "consumer";
    public const string RangeProtocol = "range";
    public const int SessionTimeoutMs = 30_000;

    public const short NewestJoin = 9;
    public const short NewestSync = 5;
    public const short NewestHeartbeat = 4;
    public const short NewestLeave = 5;
    public const short NewestCommit = 9;
    public const short NewestFetch = 9;
    public const short NewestDescribe = 5;

    public static string NewGroupId(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..10];

    public static JoinGroupRequest JoinRequest(string groupId, ReadOnlyMemory<byte> metadata, string memberId = "",
        string protocolType = ConsumerProtocolType, string protocol = RangeProtocol, int sessionTimeoutMs = SessionTimeoutMs, string? instanceId = null)
    {
        var request = new JoinGroupRequest
        {
            GroupId = groupId,
            SessionTimeoutMs = sessionTimeoutMs,
            RebalanceTimeoutMs = sessionTimeoutMs,
            MemberId = memberId,
            GroupInstanceId = instanceId,
            ProtocolType = protocolType,
        };
        request.Protocols.Add(new JoinGroupRequest.JoinGroupRequestProtocol { Name = protocol, Metadata = metadata });
        return request;
    }

    /// <summary>
    /// JoinGroup as a client does it: from v4 a dynamic member's first join only hands out a member
    /// id (MEMBER_ID_REQUIRED, KIP-394) and the join that quotes it is the one that counts.
    /// </summary>
    public static async Task<JoinGroupResponse> JoinAsync(RawKafkaClient client, JoinGroupRequest request, short version = NewestJoin)
    {
        var response = await client.SendAsync<JoinGroupResponse>(request, version);
        if (response.ErrorCode == (short)ErrorCode.MemberIdRequired)
        {
            Assert.True(version >= 4, $"MEMBER_ID_REQUIRED at JoinGroup v{version}, which predates KIP-394");
            Assert.False(string.IsNullOrEmpty(response.MemberId));
            request.MemberId = response.MemberId;
            response = await client.SendAsync<JoinGroupResponse>(request, version);
        }
        return response;
    }

    public static SyncGroupRequest SyncRequest(string groupId, int generationId, string memberId, params (string MemberId, byte[] Assignment)[] assignments)
    {
        var request = new SyncGroupRequest
        {
            GroupId = groupId,
            GenerationId = generationId,
            MemberId = memberId,
            ProtocolType = ConsumerProtocolType,
            ProtocolName = RangeProtocol,
        };
        foreach (var (member, assignment) in assignments)
            request.Assignments.Add(new SyncGroupRequest.SyncGroupRequestAssignment { MemberId = member, Assignment = assignment });
        return request;
    }

    /// <summary>A single member joins, leads, hands itself <paramref name="assignment"/> and gets it back: the group is Stable.</summary>
    public static async Task<JoinedMember> JoinAndSyncAsync(RawKafkaClient client, string groupId, byte[] metadata, byte[] assignment, string? instanceId = null)
    {
        var join = await JoinAsync(client, JoinRequest(groupId, metadata, instanceId: instanceId));
        Assert.True(join.ErrorCode == 0, $"joining {groupId}: error {join.ErrorCode}");
        Assert.Equal(join.MemberId, join.Leader);
        var sync = await client.SendAsync<SyncGroupResponse>(SyncRequest(groupId, join.GenerationId, join.MemberId, (join.MemberId, assignment)), NewestSync);
        Assert.True(sync.ErrorCode == 0, $"syncing {groupId}: error {sync.ErrorCode}");
        Assert.Equal(assignment, sync.Assignment.ToArray());
        return new JoinedMember(groupId, join.MemberId, join.GenerationId, join.ProtocolName ?? "");
    }

    public static async Task<short> HeartbeatAsync(RawKafkaClient client, string groupId, int generationId, string memberId, short version = NewestHeartbeat)
    {
        var response = await client.SendAsync<HeartbeatResponse>(
            new HeartbeatRequest { GroupId = groupId, GenerationId = generationId, MemberId = memberId }, version);
        return response.ErrorCode;
    }

    public static Task<short> HeartbeatAsync(RawKafkaClient client, JoinedMember member) =>
        HeartbeatAsync(client, member.GroupId, member.GenerationId, member.MemberId);

    /// <summary>The request a member (or, with generation -1 and no member id, a simple consumer) commits with.</summary>
    public static OffsetCommitRequest CommitRequest(string groupId, string topic, IEnumerable<(int Partition, long Offset, string? Metadata)> offsets,
        int generationId = -1, string memberId = "", int leaderEpoch = -1)
    {
        var t = new OffsetCommitRequest.OffsetCommitRequestTopic { Name = topic };
        foreach (var (partition, offset, metadata) in offsets)
            t.Partitions.Add(new OffsetCommitRequest.OffsetCommitRequestPartition
            {
                PartitionIndex = partition,
                CommittedOffset = offset,
                CommittedLeaderEpoch = leaderEpoch,
                CommittedMetadata = metadata,
            });
        var request = new OffsetCommitRequest { GroupId = groupId, GenerationIdOrMemberEpoch = generationId, MemberId = memberId };
        request.Topics.Add(t);
        return request;
    }

    /// <summary>Commits and insists every partition was accepted.</summary>
    public static async Task CommitAsync(RawKafkaClient client, string groupId, string topic, params (int Partition, long Offset, string? Metadata)[] offsets)
    {
        var response = await client.SendAsync<OffsetCommitResponse>(CommitRequest(groupId, topic, offsets), NewestCommit);
        var partitions = Assert.Single(response.Topics).Partitions;
        Assert.Equal(offsets.Length, partitions.Count);
        Assert.All(partitions, p => Assert.True(p.ErrorCode == 0, $"commit {groupId} {topic}-{p.PartitionIndex}: error {p.ErrorCode}"));
    }

    /// <summary>The group's committed offsets (null topics: all of them), read at the newest version.</summary>
    public static async Task<OffsetFetchResponse.OffsetFetchResponseGroup> FetchAsync(RawKafkaClient client, string groupId, string? topic = null, params int[] partitions)
    {
        var group = new OffsetFetchRequest.OffsetFetchRequestGroup { GroupId = groupId, Topics = null };
        if (topic is not null)
            group.Topics = [new OffsetFetchRequest.OffsetFetchRequestTopics { Name = topic, PartitionIndexes = [.. partitions] }];
        var response = await client.SendAsync<OffsetFetchResponse>(new OffsetFetchRequest { Groups = [group] }, NewestFetch);
        var result = Assert.Single(response.Groups);
        Assert.Equal(groupId, result.GroupId);
        Assert.Equal(0, result.ErrorCode);
        return result;
    }

    /// <summary>The committed offset of one partition, -1 when there is none.</summary>
    public static async Task<long> CommittedOffsetAsync(RawKafkaClient client, string groupId, string topic, int partition)
    {
        var group = await FetchAsync(client, groupId, topic, partition);
        var p = Assert.Single(Assert.Single(group.Topics).Partitions);
        Assert.Equal(partition, p.PartitionIndex);
        return p.CommittedOffset;
    }

    public static async Task<DescribeGroupsResponse.DescribedGroup> DescribeAsync(RawKafkaClient client, string groupId, short version = NewestDescribe)
    {
        var response = await client.SendAsync<DescribeGroupsResponse>(new DescribeGroupsRequest { Groups = [groupId] }, version);
        var group = Assert.Single(response.Groups);
        Assert.Equal(groupId, group.GroupId);
        return group;
    }

    public static async Task LeaveAsync(RawKafkaClient client, string groupId, string memberId)
    {
        var response = await client.SendAsync<LeaveGroupResponse>(
            new LeaveGroupRequest { GroupId = groupId, Members = [new LeaveGroupRequest.MemberIdentity { MemberId = memberId }] }, NewestLeave);
        Assert.Equal(0, response.ErrorCode);
        Assert.Equal(0, Assert.Single(response.Members).ErrorCode);
    }

    /// <summary>Kafka's ConsumerProtocolSubscription v0: int16 version, int32-counted int16 strings, null user data.</summary>
    public static byte[] Subscription(params string[] topics)
    {
        var size = 2 + 4 + topics.Sum(t => 2 + Encoding.UTF8.GetByteCount(t)) + 4;
        var bytes = new byte[size];
        var span = bytes.AsSpan();
        BinaryPrimitives.WriteInt16BigEndian(span, 0);
        BinaryPrimitives.WriteInt32BigEndian(span[2..], topics.Length);
        var at = 6;
        foreach (var topic in topics)
        {
            var length = Encoding.UTF8.GetBytes(topic, span[(at + 2)..]);
            BinaryPrimitives.WriteInt16BigEndian(span[at..], (short)length);
            at += 2 + length;
        }
        BinaryPrimitives.WriteInt32BigEndian(span[at..], -1);
        return bytes;
    }

    /// <summary>Bytes no codec would produce, to show the coordinator never interprets metadata or assignments.</summary>
    public static byte[] RandomBytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
