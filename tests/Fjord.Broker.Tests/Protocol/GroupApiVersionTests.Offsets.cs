using Fjord.Protocol;
using static Fjord.Broker.Tests.Protocol.GroupApiScenario;

namespace Fjord.Broker.Tests.Protocol;

public sealed partial class GroupApiVersionTests
{
    [Theory]
    [MemberData(nameof(Versions), 0, 9)]
    public async Task OffsetCommitStoresWhatAMemberOrASimpleConsumerCommitsAtEveryVersion(short version)
    {
        var topic = $"g-commit-v{version}";
        await RawScenario.CreateTopicAsync(_client, topic, partitions: 2);

        // A simple consumer (assign() + commitSync): no generation, no member, an Empty group. All v0 can say.
        var simpleGroup = NewGroupId($"g-commit-simple-v{version}");
        var simple = await _client.SendAsync<OffsetCommitResponse>(CommitRequest(simpleGroup, topic, [(0, 42, "simple"), (1, 43, null)]), version);
        var simpleTopic = Assert.Single(simple.Topics);
        Assert.Equal(topic, simpleTopic.Name);
        Assert.Equal([0, 1], simpleTopic.Partitions.Select(p => p.PartitionIndex));
        Assert.All(simpleTopic.Partitions, p => Assert.Equal(0, p.ErrorCode));
        var fetched = Assert.Single((await FetchAsync(_client, simpleGroup, topic, 0, 1)).Topics).Partitions;
        Assert.Equal([42L, 43L], fetched.Select(p => p.CommittedOffset));
        Assert.Equal("simple", fetched[0].Metadata);
        if (version == 0) return;

        // A member of a Stable group commits with its generation and member id.
        var member = await JoinAndSyncAsync(_client, NewGroupId($"g-commit-member-v{version}"), Subscription(topic), [0]);
        var commit = CommitRequest(member.GroupId, topic, [(1, 1000 + version, $"meta-v{version}")], member.GenerationId, member.MemberId, leaderEpoch: 7);
        var committed = await _client.SendAsync<OffsetCommitResponse>(commit, version);
        Assert.Equal(0, Assert.Single(Assert.Single(committed.Topics).Partitions).ErrorCode);
        var stored = Assert.Single(Assert.Single((await FetchAsync(_client, member.GroupId, topic, 1)).Topics).Partitions);
        Assert.Equal(1000 + version, stored.CommittedOffset);
        Assert.Equal($"meta-v{version}", stored.Metadata);
        // The leader epoch travels from v6 on; before that it is unknown.
        Assert.Equal(version >= 6 ? 7 : -1, stored.CommittedLeaderEpoch);

        // Once the group has members, only they may commit, and only in their generation.
        var stale = CommitRequest(member.GroupId, topic, [(1, 1, null)], member.GenerationId + 1, member.MemberId);
        Assert.Equal((short)ErrorCode.IllegalGeneration, Assert.Single(Assert.Single((await _client.SendAsync<OffsetCommitResponse>(stale, version)).Topics).Partitions).ErrorCode);
        var outsider = CommitRequest(member.GroupId, topic, [(1, 1, null)]);
        Assert.Equal((short)ErrorCode.UnknownMemberId, Assert.Single(Assert.Single((await _client.SendAsync<OffsetCommitResponse>(outsider, version)).Topics).Partitions).ErrorCode);
        Assert.Equal(1000 + version, await CommittedOffsetAsync(_client, member.GroupId, topic, 1));
    }

    [Theory]
    [MemberData(nameof(Versions), 0, 9)]
    public async Task OffsetFetchReadsCommittedOffsetsAtEveryVersion(short version)
    {
        var topic = $"g-fetch-v{version}";
        await RawScenario.CreateTopicAsync(_client, topic, partitions: 3);
        var group = NewGroupId($"g-fetch-v{version}");
        var other = NewGroupId($"g-fetch-other-v{version}");
        var committed = CommitRequest(group, topic, [(0, 10, "m0"), (1, 11, "m1")], leaderEpoch: 3);
        Assert.All(Assert.Single((await _client.SendAsync<OffsetCommitResponse>(committed, NewestCommit)).Topics).Partitions, p => Assert.Equal(0, p.ErrorCode));
        await CommitAsync(_client, other, topic, (2, 20, "other"));

        if (version < 8)
        {
            var request = new OffsetFetchRequest
            {
                GroupId = group,
                Topics = [new OffsetFetchRequest.OffsetFetchRequestTopic { Name = topic, PartitionIndexes = [0, 1, 2] }],
            };
            var response = await _client.SendAsync<OffsetFetchResponse>(request, version);
            Assert.Equal(0, response.ErrorCode);
            var partitions = Assert.Single(response.Topics, t => t.Name == topic).Partitions;
            Assert.Equal([0, 1, 2], partitions.Select(p => p.PartitionIndex));
            // A partition with no commit answers offset -1 and no error.
            Assert.Equal([10L, 11L, -1L], partitions.Select(p => p.CommittedOffset));
            Assert.Equal(["m0", "m1", ""], partitions.Select(p => p.Metadata ?? ""));
            Assert.All(partitions, p => Assert.Equal(0, p.ErrorCode));
            if (version >= 5) Assert.Equal([3, 3, -1], partitions.Select(p => p.CommittedLeaderEpoch));

            if (version >= 2)
            {
                // From v2 null topics mean every partition the group committed, and nothing else.
                var all = await _client.SendAsync<OffsetFetchResponse>(new OffsetFetchRequest { GroupId = group, Topics = null }, version);
                Assert.Equal(0, all.ErrorCode);
                var allPartitions = Assert.Single(all.Topics).Partitions;
                Assert.Equal([(0, 10L), (1, 11L)], allPartitions.Select(p => (p.PartitionIndex, p.CommittedOffset)));
            }
            return;
        }

        // From v8 one request reads several groups, each with its own topics (null: all) and error.
        var unknown = NewGroupId($"g-fetch-unknown-v{version}");
        var batched = new OffsetFetchRequest
        {
            Groups =
            [
                new OffsetFetchRequest.OffsetFetchRequestGroup
                {
                    GroupId = group,
                    Topics = [new OffsetFetchRequest.OffsetFetchRequestTopics { Name = topic, PartitionIndexes = [1, 2] }],
                },
                new OffsetFetchRequest.OffsetFetchRequestGroup { GroupId = other, Topics = null },
                new OffsetFetchRequest.OffsetFetchRequestGroup
                {
                    GroupId = unknown,
                    Topics = [new OffsetFetchRequest.OffsetFetchRequestTopics { Name = topic, PartitionIndexes = [0] }],
                },
            ],
        };
        var answer = await _client.SendAsync<OffsetFetchResponse>(batched, version);
        Assert.Equal([group, other, unknown], answer.Groups.Select(g => g.GroupId));
        Assert.All(answer.Groups, g => Assert.Equal(0, g.ErrorCode));
        var first = Assert.Single(answer.Groups[0].Topics).Partitions;
        Assert.Equal([(1, 11L, 3), (2, -1L, -1)], first.Select(p => (p.PartitionIndex, p.CommittedOffset, p.CommittedLeaderEpoch)));
        var second = Assert.Single(Assert.Single(answer.Groups[1].Topics).Partitions);
        Assert.Equal((2, 20L, "other"), (second.PartitionIndex, second.CommittedOffset, second.Metadata));
        Assert.Equal(-1L, Assert.Single(Assert.Single(answer.Groups[2].Topics).Partitions).CommittedOffset);
    }

    [Theory]
    [MemberData(nameof(Versions), 0, 0)]
    public async Task OffsetDeleteRemovesOffsetsOnlyOfTopicsTheGroupDoesNotConsume(short version)
    {
        var consumed = $"g-offdel-consumed-v{version}";
        var dropped = $"g-offdel-dropped-v{version}";
        await RawScenario.CreateTopicAsync(_client, consumed, partitions: 2);
        await RawScenario.CreateTopicAsync(_client, dropped, partitions: 1);

        // An Empty group may lose any of its offsets.
        var empty = NewGroupId($"g-offdel-empty-v{version}");
        await CommitAsync(_client, empty, consumed, (0, 5, null), (1, 6, null));
        var request = new OffsetDeleteRequest { GroupId = empty };
        request.Topics.Add(new OffsetDeleteRequest.OffsetDeleteRequestTopic { Name = consumed, Partitions = [new OffsetDeleteRequest.OffsetDeleteRequestPartition { PartitionIndex = 0 }] });
        var response = await _client.SendAsync<OffsetDeleteResponse>(request, version);
        Assert.Equal(0, response.ErrorCode);
        var deleted = Assert.Single(Assert.Single(response.Topics).Partitions);
        Assert.Equal((0, (short)0), (deleted.PartitionIndex, deleted.ErrorCode));
        Assert.Equal(-1, await CommittedOffsetAsync(_client, empty, consumed, 0));
        Assert.Equal(6, await CommittedOffsetAsync(_client, empty, consumed, 1));

        // A live consumer group keeps the offsets of topics it subscribes to.
        var member = await JoinAndSyncAsync(_client, NewGroupId($"g-offdel-live-v{version}"), Subscription(consumed), [0]);
        foreach (var topic in new[] { consumed, dropped })
        {
            var commit = CommitRequest(member.GroupId, topic, [(0, 7, null)], member.GenerationId, member.MemberId);
            Assert.Equal(0, Assert.Single(Assert.Single((await _client.SendAsync<OffsetCommitResponse>(commit, NewestCommit)).Topics).Partitions).ErrorCode);
        }
        var live = new OffsetDeleteRequest { GroupId = member.GroupId };
        foreach (var topic in new[] { consumed, dropped })
            live.Topics.Add(new OffsetDeleteRequest.OffsetDeleteRequestTopic { Name = topic, Partitions = [new OffsetDeleteRequest.OffsetDeleteRequestPartition { PartitionIndex = 0 }] });
        var liveResponse = await _client.SendAsync<OffsetDeleteResponse>(live, version);
        Assert.Equal(0, liveResponse.ErrorCode);
        var errors = liveResponse.Topics.ToDictionary(t => t.Name, t => Assert.Single(t.Partitions).ErrorCode);
        Assert.Equal((short)ErrorCode.GroupSubscribedToTopic, errors[consumed]);
        Assert.Equal(0, errors[dropped]);
        Assert.Equal(7, await CommittedOffsetAsync(_client, member.GroupId, consumed, 0));
        Assert.Equal(-1, await CommittedOffsetAsync(_client, member.GroupId, dropped, 0));

        var unknown = new OffsetDeleteRequest { GroupId = NewGroupId("g-offdel-unknown") };
        unknown.Topics.Add(new OffsetDeleteRequest.OffsetDeleteRequestTopic { Name = consumed, Partitions = [new OffsetDeleteRequest.OffsetDeleteRequestPartition { PartitionIndex = 0 }] });
        Assert.Equal((short)ErrorCode.GroupIdNotFound, (await _client.SendAsync<OffsetDeleteResponse>(unknown, version)).ErrorCode);
    }
}
