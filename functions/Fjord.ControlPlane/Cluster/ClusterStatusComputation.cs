using System.Globalization;
using Fjord.Cluster;

namespace Fjord.ControlPlane.Cluster;

/// <summary>
/// Judges the cluster from what the tables hold, as of <c>now</c>: a pure function, so every rule is tested without
/// storage. Partition health follows Kafka's definitions (under-replicated: ISR smaller than the replicas, not
/// counting replicas a reassignment is still adding; offline: no live leader); the Blob upload lag is summed only
/// over status rows that can be trusted.
/// </summary>
public static class ClusterStatusComputation
{
    private const string MinInsyncReplicasConfig = "min.insync.replicas";

    public static ClusterStatusView Compute(
        IReadOnlyList<BrokerRegistration> brokers,
        ControllerLease? controller,
        IReadOnlyList<TopicMetadata> topics,
        IReadOnlyList<PartitionState> partitions,
        IReadOnlyList<BrokerStatus> statuses,
        DateTimeOffset now,
        ClusterStatusOptions options,
        bool includePartitions)
    {
        ArgumentNullException.ThrowIfNull(brokers);
        ArgumentNullException.ThrowIfNull(topics);
        ArgumentNullException.ThrowIfNull(partitions);
        ArgumentNullException.ThrowIfNull(statuses);
        ArgumentNullException.ThrowIfNull(options);

        var states = brokers.ToDictionary(b => b.NodeId, b => StateOf(b, now, options));
        var alive = states.Where(s => s.Value != BrokerState.Fenced).Select(s => s.Key).ToHashSet();
        var rows = statuses.GroupBy(s => s.NodeId).ToDictionary(g => g.Key, g => g.MaxBy(s => s.UpdatedAt)!);
        var views = brokers.Select(b => ViewOf(b, states[b.NodeId], controller, rows.GetValueOrDefault(b.NodeId), now, options)).ToList();

        var (summary, unhealthy) = JudgePartitions(topics, partitions, alive, options);
        var tier = SumTier(views, now, rows);
        var controllerView = controller is null ? null : new ControllerView(controller.ControllerId, controller.Epoch, alive.Contains(controller.ControllerId));
        var (health, reasons) = Verdict(views, controllerView, summary, tier, partitions);
        return new ClusterStatusView(health, reasons, now, controllerView, views, summary, tier, includePartitions ? unhealthy : null);
    }

    private static BrokerState StateOf(BrokerRegistration broker, DateTimeOffset now, ClusterStatusOptions options) =>
        now - broker.LastHeartbeat > options.SessionTimeout ? BrokerState.Fenced
        : broker.ShuttingDown ? BrokerState.ShuttingDown
        : BrokerState.Alive;

    private static BrokerStatusView ViewOf(BrokerRegistration broker, BrokerState state, ControllerLease? controller, BrokerStatus? row, DateTimeOffset now,
        ClusterStatusOptions options)
    {
        var endpoints = broker.Endpoints.Select(e => $"{e.ListenerName}://{e.Host}:{e.Port.ToString(CultureInfo.InvariantCulture)}").ToList();
        var heartbeatAge = Math.Max(0, (now - broker.LastHeartbeat).TotalSeconds);
        var isController = controller?.ControllerId == broker.NodeId;
        if (row is null)
            return new BrokerStatusView(broker.NodeId, endpoints, broker.Rack, state, isController, broker.LastHeartbeat, heartbeatAge,
                null, null, null, true, null, null, null, null);
        // A running broker rewrites its row at least every refresh interval; a session timeout on top absorbs a slow
        // write and the clock difference between the broker and the control plane.
        var stale = state == BrokerState.Fenced || row.IncarnationId != broker.IncarnationId || now - row.UpdatedAt > row.RefreshInterval + options.SessionTimeout;
        var lag = new BrokerTierLagView(row.TierLag.Segments, row.TierLag.Bytes, AgeSeconds(row.TierLag.OldestWaitingSince, now),
            row.TierLag.FailingPartitions, row.TierLag.LastErrorKind);
        return new BrokerStatusView(broker.NodeId, endpoints, broker.Rack, state, isController, broker.LastHeartbeat, heartbeatAge,
            row.Version, row.StartedAt, row.UpdatedAt, stale, row.LeaderPartitions, row.FollowerPartitions, row.UnderReplicatedPartitions, lag);
    }

    private static double? AgeSeconds(DateTimeOffset? since, DateTimeOffset now) => since is { } at ? Math.Max(0, (now - at).TotalSeconds) : null;

    private static (PartitionHealthSummary Summary, List<UnhealthyPartition> Unhealthy) JudgePartitions(IReadOnlyList<TopicMetadata> topics,
        IReadOnlyList<PartitionState> partitions, HashSet<int> alive, ClusterStatusOptions options)
    {
        var byName = topics.ToDictionary(t => t.Name, StringComparer.Ordinal);
        int total = 0, underReplicated = 0, underMinIsr = 0, offline = 0;
        var unhealthy = new List<UnhealthyPartition>();
        var written = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var state in partitions)
        {
            // A row past the topic's partition count, or of a topic no longer listed, is left over from a change in flight.
            if (!byName.TryGetValue(state.Topic, out var topic) || state.Partition >= topic.PartitionCount) continue;
            total++;
            written[state.Topic] = written.GetValueOrDefault(state.Topic) + 1;
            var minIsr = MinInsyncReplicas(topic, options);
            var problems = new List<PartitionProblem>(3);
            if (state.Leader == PartitionState.NoLeader || !alive.Contains(state.Leader))
            {
                problems.Add(PartitionProblem.Offline);
                offline++;
            }
            if (state.Isr.Count < state.Replicas.Count - (state.AddingReplicas?.Count ?? 0))
            {
                problems.Add(PartitionProblem.UnderReplicated);
                underReplicated++;
            }
            if (state.Isr.Count < minIsr)
            {
                problems.Add(PartitionProblem.UnderMinIsr);
                underMinIsr++;
            }
            if (problems.Count > 0)
                unhealthy.Add(new UnhealthyPartition(state.Topic, state.Partition, state.Leader, state.Replicas, state.Isr, minIsr, problems));
        }
        // Topics the controller has not written partitions for yet count with the partitions they will have: those
        // have no leader so far, which creation waits for, so they are not counted offline.
        foreach (var topic in topics)
            total += Math.Max(0, topic.PartitionCount - written.GetValueOrDefault(topic.Name));
        unhealthy.Sort((a, b) => string.CompareOrdinal(a.Topic, b.Topic) is var byTopic and not 0 ? byTopic : a.Partition.CompareTo(b.Partition));
        return (new PartitionHealthSummary(topics.Count, total, underReplicated, underMinIsr, offline), unhealthy);
    }

    private static int MinInsyncReplicas(TopicMetadata topic, ClusterStatusOptions options) =>
        topic.Configs.TryGetValue(MinInsyncReplicasConfig, out var raw) && int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : options.DefaultMinInsyncReplicas;

    private static TierLagSummary SumTier(List<BrokerStatusView> views, DateTimeOffset now, Dictionary<int, BrokerStatus> rows)
    {
        int segments = 0, failing = 0;
        long bytes = 0;
        DateTimeOffset? oldest = null;
        DateTimeOffset latestFailure = DateTimeOffset.MinValue;
        string? lastKind = null;
        var stale = new List<int>();
        foreach (var view in views)
        {
            if (view.StatusStale || !rows.TryGetValue(view.NodeId, out var row))
            {
                stale.Add(view.NodeId);
                continue;
            }
            segments += row.TierLag.Segments;
            bytes += row.TierLag.Bytes;
            if (row.TierLag.OldestWaitingSince is { } since && (oldest is null || since < oldest)) oldest = since;
            failing += row.TierLag.FailingPartitions;
            // The row's time stands in for the failure's: the freshest row with a failure names the latest kind.
            if (row.TierLag.FailingPartitions > 0 && row.UpdatedAt > latestFailure)
            {
                latestFailure = row.UpdatedAt;
                lastKind = row.TierLag.LastErrorKind;
            }
        }
        return new TierLagSummary(segments, bytes, AgeSeconds(oldest, now), failing, lastKind, stale);
    }

    private static (ClusterHealth Health, List<string> Reasons) Verdict(List<BrokerStatusView> brokers, ControllerView? controller,
        PartitionHealthSummary partitions, TierLagSummary tier, IReadOnlyList<PartitionState> states)
    {
        var health = ClusterHealth.Healthy;
        var reasons = new List<string>();
        void Add(ClusterHealth level, string reason)
        {
            if (level > health) health = level;
            reasons.Add(reason);
        }

        if (brokers.Count == 0)
            Add(ClusterHealth.Unavailable, "No broker has registered");
        else if (brokers.All(b => b.State == BrokerState.Fenced))
            Add(ClusterHealth.Unavailable, "No broker is alive: every broker's lease has lapsed");
        if (partitions.Offline > 0)
            Add(ClusterHealth.Unavailable, $"{Count(partitions.Offline, "partition")} without a live leader: they can be neither written nor read");
        if (controller is null)
            Add(ClusterHealth.Degraded, "No broker holds the controller lease: topic changes and leader elections wait until one takes it");
        else if (!controller.Alive)
            Add(ClusterHealth.Degraded, $"Controller {controller.NodeId} is not alive; another broker takes the lease once it lapses");

        var hosting = states.SelectMany(s => s.Replicas).ToHashSet();
        foreach (var broker in brokers)
        {
            // A broker that left for good (scaled in) hosts nothing and is listed, but harms nothing.
            if (broker.State == BrokerState.Fenced && hosting.Contains(broker.NodeId))
                Add(ClusterHealth.Degraded, $"Broker {broker.NodeId} is not alive (last heartbeat {broker.HeartbeatAgeSeconds.ToString("0", CultureInfo.InvariantCulture)} s ago) and holds replicas");
            else if (broker.State == BrokerState.ShuttingDown)
                Add(ClusterHealth.Degraded, $"Broker {broker.NodeId} is shutting down: its leaderships are moving away");
            else if (broker.State == BrokerState.Alive && broker.StatusStale)
                Add(ClusterHealth.Degraded, $"Broker {broker.NodeId} is alive but its status row is missing or stale: its Blob upload lag is not known");
        }

        if (partitions.UnderMinIsr > 0)
            Add(ClusterHealth.Degraded, $"{Count(partitions.UnderMinIsr, "partition")} below min.insync.replicas: acks=all produce to them fails");
        if (partitions.UnderReplicated > 0)
            Add(ClusterHealth.Degraded, $"{Count(partitions.UnderReplicated, "partition")} under-replicated");
        if (tier.FailingPartitions > 0)
            Add(ClusterHealth.Degraded, $"Blob uploads are failing for {Count(tier.FailingPartitions, "partition")} (last error: {tier.LastErrorKind ?? "unknown"}); {tier.Segments} closed segments wait on local disks");
        return (health, reasons);
    }

    private static string Count(int n, string what) => n == 1 ? $"1 {what}" : $"{n.ToString(CultureInfo.InvariantCulture)} {what}s";
}
