using Fjord.Cluster;

namespace Fjord.Groups;

/// <summary>
/// Where each consumer group is coordinated in the cluster: at the leader of the group's
/// <c>__consumer_offsets</c> partition (Kafka's rule; Fjord keeps the offsets in Table storage, so the
/// partition has a leader but no log). Feeds the local <see cref="GroupCoordinator"/> its ownership and
/// unloads the groups of every offsets partition this broker stops leading, or leads at a new leader
/// epoch (it may have missed another broker's term in between), so their next request goes to the new
/// coordinator and a later term here reloads them from the store.
/// </summary>
public sealed class GroupCoordinatorLocator : IDisposable
{
    private readonly MetadataCache _metadata;
    private readonly GroupCoordinator _groups;
    private readonly int _nodeId;
    private readonly int _offsetsPartitions;
    private readonly Lock _lock = new();

    // Offsets partitions this broker led in the last snapshot seen, with their leader epochs.
    private Dictionary<int, int> _led = [];

    /// <param name="isFenced">Whether this broker is fenced now (the broker's membership decides; asked on every ownership check).</param>
    public GroupCoordinatorLocator(MetadataCache metadata, GroupCoordinator groups, Func<bool> isFenced, int nodeId, int offsetsPartitions)
    {
        ArgumentNullException.ThrowIfNull(isFenced);
        ArgumentNullException.ThrowIfNull(metadata);
        ArgumentNullException.ThrowIfNull(groups);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(offsetsPartitions);
        _metadata = metadata;
        _groups = groups;
        _nodeId = nodeId;
        _offsetsPartitions = offsetsPartitions;
        _metadata.Changed += OnChanged;
        OnChanged(_metadata.Current);
        // A fenced broker coordinates nothing: its snapshot may name it leader of a partition that moved on.
        _groups.UseOwnership(groupId => !isFenced() && CoordinatorOf(groupId, _metadata.Current) == _nodeId);
    }

    /// <summary>The offsets partition of <paramref name="groupId"/> (offsets.topic.num.partitions).</summary>
    public int PartitionFor(string groupId) => GroupCoordinator.PartitionFor(groupId, _offsetsPartitions);

    /// <summary>The node that coordinates <paramref name="groupId"/> in <paramref name="snapshot"/>, or -1 when its partition has no leader.</summary>
    public int CoordinatorOf(string groupId, MetadataSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        // No state yet (the offsets topic is not placed): nobody coordinates the group, not even a
        // broker that has not heard of a controller, or two brokers could both take it.
        return snapshot.PartitionStateOf(TopicNames.ConsumerOffsets, PartitionFor(groupId))?.Leader ?? PartitionState.NoLeader;
    }

    private void OnChanged(MetadataSnapshot snapshot)
    {
        Dictionary<int, int> lost;
        lock (_lock)
        {
            var led = new Dictionary<int, int>();
            foreach (var state in snapshot.Partitions.Values)
                if (state.Topic == TopicNames.ConsumerOffsets && state.Leader == _nodeId)
                    led[state.Partition] = state.LeaderEpoch;
            lost = _led.Where(p => !led.TryGetValue(p.Key, out var epoch) || epoch != p.Value).ToDictionary();
            _led = led;
        }

        _groups.UnloadGroups(groupId =>
        {
            var partition = PartitionFor(groupId);
            return lost.ContainsKey(partition) || CoordinatorOf(groupId, snapshot) != _nodeId;
        });
    }

    public void Dispose() => _metadata.Changed -= OnChanged;
}
