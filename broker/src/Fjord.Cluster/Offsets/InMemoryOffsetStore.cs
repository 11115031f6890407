namespace Fjord.Cluster;

/// <summary>
/// A faithful in-process <see cref="IOffsetStore"/> for unit tests of the group coordinator: same
/// validation and limits, same ordering, and it hands out copies, so a caller mutating a record
/// (or its byte arrays) after saving it cannot change what is stored.
/// </summary>
public sealed class InMemoryOffsetStore : IOffsetStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, GroupState> _groups = new(StringComparer.Ordinal);
    private readonly Dictionary<(string GroupId, long ProducerId, string Topic, int Partition), CommittedOffset> _pending = [];
    private readonly HashSet<(int OffsetsPartition, long ProducerId, string GroupId)> _pendingIndex = [];

    public Task CommitAsync(string groupId, IReadOnlyList<CommittedOffset> offsets, CancellationToken ct)
    {
        OffsetStoreValidation.ValidateGroupId(groupId);
        OffsetStoreValidation.ValidateOffsets(offsets);
        ct.ThrowIfCancellationRequested();
        if (offsets.Count == 0)
            return Task.CompletedTask;

        lock (_lock)
        {
            var group = GetOrAddGroup(groupId);
            foreach (var offset in offsets)
                group.Offsets[(offset.Topic, offset.Partition)] = offset with { CommitTime = offset.CommitTime.ToUniversalTime() };
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<CommittedOffset>> FetchAsync(string groupId, CancellationToken ct)
    {
        OffsetStoreValidation.ValidateGroupId(groupId);
        ct.ThrowIfCancellationRequested();
        lock (_lock)
        {
            if (!_groups.TryGetValue(groupId, out var group))
                return Task.FromResult<IReadOnlyList<CommittedOffset>>([]);
            var offsets = group.Offsets.Values.ToList();
            offsets.Sort(OffsetStoreValidation.Compare);
            return Task.FromResult<IReadOnlyList<CommittedOffset>>(offsets);
        }
    }

    public Task DeleteOffsetsAsync(string groupId, IReadOnlyList<(string Topic, int Partition)> partitions, CancellationToken ct)
    {
        OffsetStoreValidation.ValidateGroupId(groupId);
        OffsetStoreValidation.ValidatePartitions(partitions);
        ct.ThrowIfCancellationRequested();
        lock (_lock)
        {
            if (!_groups.TryGetValue(groupId, out var group))
                return Task.CompletedTask;
            foreach (var partition in partitions)
                group.Offsets.Remove(partition);
            RemoveIfEmpty(groupId, group);
        }

        return Task.CompletedTask;
    }

    public Task DeleteGroupAsync(string groupId, CancellationToken ct)
    {
        OffsetStoreValidation.ValidateGroupId(groupId);
        ct.ThrowIfCancellationRequested();
        lock (_lock)
        {
            _groups.Remove(groupId);
            foreach (var key in _pending.Keys.Where(k => k.GroupId == groupId).ToList())
                _pending.Remove(key);
        }

        return Task.CompletedTask;
    }

    public Task SaveGroupAsync(GroupRecord group, CancellationToken ct)
    {
        OffsetStoreValidation.ValidateGroup(group);
        // Serializing enforces the same size limit Table storage has, and yields a deep copy.
        var members = GroupMembersJson.Serialize(group);
        ct.ThrowIfCancellationRequested();
        var stored = group with { StateTime = group.StateTime.ToUniversalTime(), Members = GroupMembersJson.Deserialize(members) };
        lock (_lock)
            GetOrAddGroup(group.GroupId).Record = stored;
        return Task.CompletedTask;
    }

    public Task<GroupRecord?> LoadGroupAsync(string groupId, CancellationToken ct)
    {
        OffsetStoreValidation.ValidateGroupId(groupId);
        ct.ThrowIfCancellationRequested();
        GroupRecord? record;
        lock (_lock)
            record = _groups.TryGetValue(groupId, out var group) ? group.Record : null;
        // A copy per load, so one caller's edits to the byte arrays never reach another.
        return Task.FromResult(record is null ? null : record with { Members = GroupMembersJson.Deserialize(GroupMembersJson.Serialize(record)) });
    }

    public Task<IReadOnlyList<string>> ListGroupIdsAsync(CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        lock (_lock)
        {
            IReadOnlyList<string> ids = [.. _groups.Keys.Order(StringComparer.Ordinal)];
            return Task.FromResult(ids);
        }
    }

    public Task StagePendingAsync(string groupId, int offsetsPartition, long producerId, IReadOnlyList<CommittedOffset> offsets, CancellationToken ct)
    {
        OffsetStoreValidation.ValidateGroupId(groupId);
        OffsetStoreValidation.ValidateOffsets(offsets);
        ArgumentOutOfRangeException.ThrowIfNegative(offsetsPartition);
        ArgumentOutOfRangeException.ThrowIfNegative(producerId);
        ct.ThrowIfCancellationRequested();
        if (offsets.Count == 0)
            return Task.CompletedTask;

        lock (_lock)
        {
            _pendingIndex.Add((offsetsPartition, producerId, groupId));
            foreach (var offset in offsets)
                _pending[(groupId, producerId, offset.Topic, offset.Partition)] = offset with { CommitTime = offset.CommitTime.ToUniversalTime() };
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<PendingOffset>> FetchPendingAsync(string groupId, CancellationToken ct)
    {
        OffsetStoreValidation.ValidateGroupId(groupId);
        ct.ThrowIfCancellationRequested();
        lock (_lock)
        {
            IReadOnlyList<PendingOffset> pending = [.. _pending.Where(p => p.Key.GroupId == groupId).Select(p => new PendingOffset(p.Key.ProducerId, p.Value))];
            return Task.FromResult(pending);
        }
    }

    public Task<IReadOnlyList<string>> PendingGroupsAsync(int offsetsPartition, long producerId, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        lock (_lock)
        {
            IReadOnlyList<string> groups = [.. _pendingIndex.Where(i => i.OffsetsPartition == offsetsPartition && i.ProducerId == producerId).Select(i => i.GroupId).Order(StringComparer.Ordinal)];
            return Task.FromResult(groups);
        }
    }

    public Task<IReadOnlyList<CommittedOffset>> CompletePendingAsync(string groupId, int offsetsPartition, long producerId, bool commit, CancellationToken ct)
    {
        OffsetStoreValidation.ValidateGroupId(groupId);
        ct.ThrowIfCancellationRequested();
        lock (_lock)
        {
            var mine = _pending.Where(p => p.Key.GroupId == groupId && p.Key.ProducerId == producerId).ToList();
            var committed = new List<CommittedOffset>();
            foreach (var (key, offset) in mine)
            {
                _pending.Remove(key);
                if (commit)
                {
                    GetOrAddGroup(groupId).Offsets[(offset.Topic, offset.Partition)] = offset;
                    committed.Add(offset);
                }
            }

            _pendingIndex.Remove((offsetsPartition, producerId, groupId));
            committed.Sort(OffsetStoreValidation.Compare);
            return Task.FromResult<IReadOnlyList<CommittedOffset>>(committed);
        }
    }

    private GroupState GetOrAddGroup(string groupId)
    {
        if (!_groups.TryGetValue(groupId, out var group))
        {
            group = new GroupState();
            _groups.Add(groupId, group);
        }

        return group;
    }

    /// <summary>A group exists while it has a record or an offset (the contract of ListGroupIdsAsync).</summary>
    private void RemoveIfEmpty(string groupId, GroupState group)
    {
        if (group.Record is null && group.Offsets.Count == 0)
            _groups.Remove(groupId);
    }

    private sealed class GroupState
    {
        public Dictionary<(string Topic, int Partition), CommittedOffset> Offsets { get; } = [];

        public GroupRecord? Record { get; set; }
    }
}
