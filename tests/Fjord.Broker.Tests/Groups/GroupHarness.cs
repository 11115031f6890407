using System.Buffers.Binary;
using System.Text;
using Fjord.Cluster;
using Fjord.Groups;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Fjord.Broker.Tests.Groups;

/// <summary>A coordinator on an in-memory store and a fake clock; time only moves when a test advances it.</summary>
internal sealed class GroupHarness : IAsyncDisposable
{
    public const int SessionTimeoutMs = 10_000;
    public const int RebalanceTimeoutMs = 30_000;
    public const int InitialDelayMs = 3_000;

    private static readonly TimeSpan AwaitLimit = TimeSpan.FromSeconds(30);

    public GroupHarness(GroupCoordinatorConfig? config = null, InMemoryOffsetStore? store = null, FakeTimeProvider? time = null)
    {
        Config = config ?? new GroupCoordinatorConfig { GroupInitialRebalanceDelayMs = InitialDelayMs };
        Store = store ?? new InMemoryOffsetStore();
        Time = time ?? new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        Coordinator = new GroupCoordinator(Config, Store, Time, NullLogger<GroupCoordinator>.Instance);
    }

    public GroupCoordinatorConfig Config { get; }

    public InMemoryOffsetStore Store { get; }

    public FakeTimeProvider Time { get; }

    public GroupCoordinator Coordinator { get; }

    public static JoinGroupCommand JoinCommand(
        string groupId,
        string memberId = "",
        string? instanceId = null,
        (string Name, byte[] Metadata)[]? protocols = null,
        int sessionTimeoutMs = SessionTimeoutMs,
        int rebalanceTimeoutMs = RebalanceTimeoutMs,
        bool requireKnownMemberId = false,
        string protocolType = "consumer") =>
        new(groupId, memberId, instanceId, protocolType, protocols ?? [("range", Subscription("orders"))],
            sessionTimeoutMs, rebalanceTimeoutMs, "client", "/127.0.0.1", requireKnownMemberId);

    /// <summary>A ConsumerProtocolSubscription v0: int16 version, int32-counted int16-length topic names, null user data.</summary>
    public static byte[] Subscription(params string[] topics)
    {
        var buffer = new List<byte>();
        Span<byte> scratch = stackalloc byte[4];
        BinaryPrimitives.WriteInt16BigEndian(scratch, 0);
        buffer.AddRange(scratch[..2].ToArray());
        BinaryPrimitives.WriteInt32BigEndian(scratch, topics.Length);
        buffer.AddRange(scratch.ToArray());
        foreach (var topic in topics)
        {
            var bytes = Encoding.UTF8.GetBytes(topic);
            BinaryPrimitives.WriteInt16BigEndian(scratch, (short)bytes.Length);
            buffer.AddRange(scratch[..2].ToArray());
            buffer.AddRange(bytes);
        }

        BinaryPrimitives.WriteInt32BigEndian(scratch, -1);
        buffer.AddRange(scratch.ToArray());
        return [.. buffer];
    }

    public Task<JoinGroupResult> Join(JoinGroupCommand cmd) => Coordinator.JoinGroupAsync(cmd, CancellationToken.None);

    public static Task<T> Done<T>(Task<T> task) => task.WaitAsync(AwaitLimit);

    public async Task<GroupState> StateOf(string groupId) =>
        (await Coordinator.DescribeGroupAsync(groupId, CancellationToken.None)).State;

    /// <summary>Advances the clock in small steps until the group leaves <paramref name="state"/> (bounded).</summary>
    public async Task AdvanceWhile(string groupId, GroupState state, int stepMs = 500, int maxMs = 600_000)
    {
        for (var elapsed = 0; await StateOf(groupId) == state; elapsed += stepMs)
        {
            Assert.True(elapsed < maxMs, $"group {groupId} still {state} after {maxMs} ms");
            Time.Advance(TimeSpan.FromMilliseconds(stepMs));
        }
    }

    /// <summary>
    /// Forms a Stable group: all members join during the initial delay, the leader assigns each
    /// member its own index as one byte, everybody syncs. Returns the join results in input order.
    /// </summary>
    public async Task<JoinGroupResult[]> FormGroup(string groupId, params JoinGroupCommand[] joins)
    {
        var pending = joins.Select(Join).ToArray();
        await AdvanceWhile(groupId, GroupState.PreparingRebalance);
        var results = await Done(Task.WhenAll(pending));
        await SyncAll(groupId, results);
        return results;
    }

    public async Task<SyncGroupResult[]> SyncAll(string groupId, IReadOnlyList<JoinGroupResult> joins)
    {
        var leader = joins.Single(j => j.MemberId == j.LeaderId);
        var assignments = joins.Select((j, i) => (j.MemberId, new[] { (byte)i })).ToList();
        var syncs = joins.Select(j => Coordinator.SyncGroupAsync(
            new SyncGroupCommand(groupId, j.GenerationId, j.MemberId, null, null, null, j == leader ? assignments : []),
            CancellationToken.None)).ToArray();
        return await Done(Task.WhenAll(syncs));
    }

    public ValueTask DisposeAsync() => Coordinator.DisposeAsync();
}
