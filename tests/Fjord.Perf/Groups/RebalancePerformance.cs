using System.Diagnostics;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Fjord.Perf.Cluster;
using Fjord.Perf.Reporting;

namespace Fjord.Perf.Groups;

/// <summary>
/// How long a consumer group takes to recover from a graceful leave: N members share a topic;
/// each round closes one (LeaveGroup) and times until the survivors again own every partition
/// exactly once (their own callbacks) and the coordinator describes the group as Stable with
/// exactly the survivors; then adds a member back and times the same for the join.
/// </summary>
/// <remarks>
/// Survivors learn of the rebalance on their next heartbeat, so with heartbeat.interval.ms 1000
/// a leave costs up to ~1 s of detection plus the JoinGroup/SyncGroup round trips.
/// </remarks>
internal sealed class RebalancePerformance(RebalanceOptions options, ClusterConnection cluster)
{
    private static readonly TimeSpan DescribeTimeout = TimeSpan.FromSeconds(5);
    private readonly AssignmentBoard _board = new();
    private readonly List<GroupMember> _members = [];
    private string _group = "";
    private int _partitions;
    private int _nextId;

    public RebalanceSummary Run(CancellationToken cancellation)
    {
        _partitions = GroupTopic.Prepare(cluster, options.Topic, options.Partitions, options.CreateTopic, options.ReplicationFactor, options.Timeout);
        _group = options.GroupOrFresh();
        if (options.Members > _partitions)
            Console.Error.WriteLine($"{options.Members} members for {_partitions} partitions: some members will own nothing");

        using var admin = new AdminClientBuilder(ClientLogging.Configure(TopicAdmin.AdminConfig(cluster.BootstrapServers, options.Timeout)))
            .SetLogHandler(ClientLogging.Write)
            .Build();
        try
        {
            var start = Stopwatch.GetTimestamp();
            for (var i = 0; i < options.Members; i++)
                AddMember();
            var initial = WaitSettled(admin, start, "the initial join", cancellation);
            Console.Error.WriteLine($"group {_group}: {options.Members} members Stable over {_partitions} partitions after {Units.TicksToMs(initial - start):0.0} ms");

            var rounds = new List<RebalanceRound>(options.Rounds);
            for (var round = 1; round <= options.Rounds && !cancellation.IsCancellationRequested; round++)
            {
                var result = RunRound(admin, round, cancellation);
                Console.Error.WriteLine(
                    $"round {round}: leave → assigned {result.AssignedMs:0.0} ms, Stable {result.StableMs:0.0} ms; rejoin → Stable {result.RejoinMs:0.0} ms");
                rounds.Add(result);
            }

            return RebalanceSummary.From(options.Topic, _group, _partitions, options.Members, Units.TicksToMs(initial - start), rounds);
        }
        finally
        {
            CloseAll();
        }
    }

    private RebalanceRound RunRound(IAdminClient admin, int round, CancellationToken cancellation)
    {
        // The oldest member leaves: over the rounds every original member gets its turn.
        var leaving = _members[0];
        _members.RemoveAt(0);
        leaving.RequestClose();

        var closeStarted = WaitFor(() => leaving.CloseStartedAt, "the leaving member to start Close()");
        var settled = WaitSettled(admin, closeStarted, $"round {round} after member {leaving.Id} left", cancellation, out var assignedAt);
        if (!leaving.WaitClosed(options.Timeout))
            throw new TimeoutException($"member {leaving.Id}'s Close() did not return within {options.Timeout.TotalSeconds:0}s");
        if (leaving.Failure is not null)
            Console.Error.WriteLine($"member {leaving.Id} ended with: {leaving.Failure.Message}");

        var joining = AddMember();
        var subscribed = WaitFor(() => joining.SubscribedAt, "the new member to subscribe");
        var rejoined = WaitSettled(admin, subscribed, $"round {round} after member {joining.Id} joined", cancellation);

        return new RebalanceRound(
            round,
            AssignedMs: Units.TicksToMs(assignedAt - closeStarted),
            StableMs: Units.TicksToMs(settled - closeStarted),
            RejoinMs: Units.TicksToMs(rejoined - subscribed));
    }

    private GroupMember AddMember()
    {
        var id = _nextId++;
        var member = new GroupMember(id, GroupMember.Config(cluster.BootstrapServers, _group, id), options.Topic, _board);
        _members.Add(member);
        member.Start();
        return member;
    }

    private long WaitSettled(IAdminClient admin, long since, string what, CancellationToken cancellation) =>
        WaitSettled(admin, since, what, cancellation, out _);

    /// <summary>
    /// Waits until the members' callbacks settled after <paramref name="since"/>, then until the
    /// coordinator agrees; returns when it was seen to agree (Stopwatch timestamp).
    /// </summary>
    private long WaitSettled(IAdminClient admin, long since, string what, CancellationToken cancellation, out long assignedAt)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(options.Timeout.TotalSeconds * Stopwatch.Frequency);
        var ids = _members.Select(m => m.Id).ToArray();
        var lastState = "not described yet";
        while (true)
        {
            cancellation.ThrowIfCancellationRequested();
            var failed = _members.FirstOrDefault(m => m.Failure is not null);
            if (failed is not null)
                throw new InvalidOperationException($"member {failed.Id} failed: {failed.Failure!.Message}");

            if (_board.IsSettled(ids, _partitions, since, out assignedAt))
            {
                var (stable, state) = DescribeStable(admin, ids.Length);
                if (stable)
                    return Stopwatch.GetTimestamp();
                lastState = state;
            }

            if (Stopwatch.GetTimestamp() > deadline)
            {
                throw new TimeoutException(
                    $"group {_group} did not settle for {what} within {options.Timeout.TotalSeconds:0}s; " +
                    $"callbacks: {_board.Describe()}; coordinator: {lastState}");
            }

            // Polling, not waiting for state: the tool observes a remote group. 2 ms keeps the
            // measurement's resolution well below the heartbeat interval that dominates it.
            Thread.Sleep(2);
        }
    }

    /// <summary>Stable, with exactly the expected members, whose assignments cover the topic once.</summary>
    private (bool Stable, string State) DescribeStable(IAdminClient admin, int expectedMembers)
    {
        ConsumerGroupDescription description;
        try
        {
            var result = admin.DescribeConsumerGroupsAsync([_group], new DescribeConsumerGroupsOptions { RequestTimeout = DescribeTimeout })
                .WaitAsync(DescribeTimeout + TimeSpan.FromSeconds(1))
                .GetAwaiter().GetResult();
            description = result.ConsumerGroupDescriptions.Single();
        }
        catch (DescribeConsumerGroupsException ex) when (!IsUnsupported(ex))
        {
            return (false, ex.Message);
        }
        catch (DescribeConsumerGroupsException ex)
        {
            // Waiting would not help: the group can never be confirmed Stable (librdkafka's mock
            // cluster, for one, has no DescribeGroups).
            throw new InvalidOperationException($"the broker cannot describe group {_group}: {ex.Message}", ex);
        }

        var state = $"{description.State}, {description.Members.Count} members";
        if (description.State != ConsumerGroupState.Stable || description.Members.Count != expectedMembers)
            return (false, state);

        var owned = description.Members
            .Select(m => (IReadOnlyCollection<int>)(m.Assignment?.TopicPartitions ?? []).Where(tp => tp.Topic == options.Topic).Select(tp => tp.Partition.Value).ToList());
        return AssignmentBoard.CoversExactlyOnce(owned, _partitions) ? (true, state) : (false, state + ", assignments do not cover the topic once");
    }

    private static bool IsUnsupported(DescribeConsumerGroupsException ex) =>
        ex.Results.ConsumerGroupDescriptions.Any(d => d.Error.Code is ErrorCode.Local_UnsupportedFeature or ErrorCode.UnsupportedVersion);

    private long WaitFor(Func<long> timestamp, string what)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(options.Timeout.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            var value = timestamp();
            if (value != 0)
                return value;
            if (Stopwatch.GetTimestamp() > deadline)
                throw new TimeoutException($"timed out waiting for {what}");
            Thread.Sleep(1);
        }
    }

    private void CloseAll()
    {
        foreach (var member in _members)
            member.RequestClose();
        foreach (var member in _members)
        {
            if (!member.WaitClosed(options.Timeout))
                Console.Error.WriteLine($"member {member.Id} did not close within {options.Timeout.TotalSeconds:0}s");
        }
    }
}
