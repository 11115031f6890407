using Fjord.Cluster;

namespace Fjord.Groups;

/// <summary>
/// One classic group's in-memory state (Kafka's GroupMetadata): members, generation, protocol and
/// the committed-offset cache. Every member is guarded by <see cref="Lock"/>; the coordinator owns
/// the state transitions. Store writes for the group are sequenced by <see cref="StoreGate"/>, so
/// the cache and the store never disagree on order.
/// </summary>
internal sealed class ClassicGroup
{
    private readonly Dictionary<string, GroupMember> _members = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _staticMembers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ITimer> _pendingMembers = new(StringComparer.Ordinal);

    // How many members support each protocol: a protocol is a candidate when every member does.
    private readonly Dictionary<string, int> _supportedProtocols = new(StringComparer.Ordinal);
    private long _nextJoinSequence;
    private int _awaitingJoinCount;

    public ClassicGroup(string groupId, DateTimeOffset now)
    {
        GroupId = groupId;
        StateTime = now;
    }

    public string GroupId { get; }

    public Lock Lock { get; } = new();

    public SemaphoreSlim StoreGate { get; } = new(1, 1);

    public GroupState State { get; private set; } = GroupState.Empty;

    public DateTimeOffset StateTime { get; private set; }

    public int GenerationId { get; set; }

    public string? ProtocolType { get; set; }

    public string? ProtocolName { get; set; }

    public string? LeaderId { get; set; }

    /// <summary>When the group last became Empty; null for a group that never had members (a "simple" group).</summary>
    public DateTimeOffset? EmptySince { get; set; }

    /// <summary>Set while the first generation's delayed join runs, to extend it (Kafka's InitialDelayedJoin).</summary>
    public bool NewMemberAdded { get; set; }

    public ITimer? JoinTimer { get; set; }

    /// <summary>Bumped whenever the join timer is replaced, so a stale callback recognises itself.</summary>
    public long JoinTimerEpoch { get; set; }

    public bool InInitialDelay { get; set; }

    public int InitialDelayRemainingMs { get; set; }

    public Dictionary<(string Topic, int Partition), CommittedOffset> Offsets { get; } = [];

    /// <summary>Offsets of open transactions (TxnOffsetCommit), per producer id, until their marker arrives.</summary>
    public Dictionary<long, Dictionary<(string Topic, int Partition), CommittedOffset>> PendingTransactionalOffsets { get; } = [];

    /// <summary>Whether any open transaction holds an offset for the partition (OffsetFetch's require_stable).</summary>
    public bool HasPendingTransactionalOffset(string topic, int partition)
    {
        foreach (var offsets in PendingTransactionalOffsets.Values)
        {
            if (offsets.ContainsKey((topic, partition)))
            {
                return true;
            }
        }

        return false;
    }

    public int MemberCount => _members.Count;

    public int AwaitingJoinCount => _awaitingJoinCount;

    public bool HasAllMembersJoined => _awaitingJoinCount == _members.Count && _pendingMembers.Count == 0;

    /// <summary>Kafka's rebalance timeout for a group: the largest of its members'.</summary>
    public int RebalanceTimeoutMs => _members.Count == 0 ? 0 : _members.Values.Max(m => m.RebalanceTimeoutMs);

    public static ClassicGroup FromStore(string groupId, GroupRecord? record, IReadOnlyList<CommittedOffset> offsets, IReadOnlyList<PendingOffset> pending, DateTimeOffset now)
    {
        // A loaded group starts Empty: its members (if any) were connected to a coordinator that is gone
        // and must rejoin. The generation survives so stale members are fenced with ILLEGAL_GENERATION.
        var group = new ClassicGroup(groupId, now);
        if (record is not null)
        {
            group.GenerationId = record.GenerationId;
            group.ProtocolType = record.ProtocolType.Length == 0 ? null : record.ProtocolType;
            group.EmptySince = record.Members.Count == 0 ? record.StateTime : now;
        }

        foreach (var offset in offsets)
        {
            group.Offsets[(offset.Topic, offset.Partition)] = offset;
        }

        foreach (var (producerId, offset) in pending)
        {
            group.AddPendingTransactionalOffset(producerId, offset);
        }

        return group;
    }

    public void AddPendingTransactionalOffset(long producerId, CommittedOffset offset)
    {
        if (!PendingTransactionalOffsets.TryGetValue(producerId, out var offsets))
        {
            offsets = [];
            PendingTransactionalOffsets.Add(producerId, offsets);
        }

        offsets[(offset.Topic, offset.Partition)] = offset;
    }

    public void TransitionTo(GroupState state, DateTimeOffset now)
    {
        State = state;
        StateTime = now;
        if (state == GroupState.Empty)
        {
            EmptySince = now;
        }
    }

    public IEnumerable<GroupMember> Members => _members.Values.OrderBy(m => m.JoinSequence);

    public bool TryGetMember(string memberId, out GroupMember member) => _members.TryGetValue(memberId, out member!);

    public bool Contains(GroupMember member) => _members.TryGetValue(member.MemberId, out var current) && ReferenceEquals(current, member);

    public string? StaticMemberId(string groupInstanceId) => _staticMembers.GetValueOrDefault(groupInstanceId);

    public bool IsLeader(string memberId) => LeaderId == memberId;

    public GroupMember Add(
        string memberId, string? groupInstanceId, string clientId, string clientHost, string protocolType,
        IReadOnlyList<(string Name, byte[] Metadata)> protocols, int rebalanceTimeoutMs, int sessionTimeoutMs)
    {
        if (_members.Count == 0)
        {
            ProtocolType = protocolType;
        }

        var member = new GroupMember(
            memberId, groupInstanceId, clientId, clientHost, protocolType, protocols, rebalanceTimeoutMs, sessionTimeoutMs, _nextJoinSequence++);
        _members.Add(memberId, member);
        if (groupInstanceId is not null)
        {
            _staticMembers[groupInstanceId] = memberId;
        }

        CountProtocols(member, +1);
        LeaderId ??= memberId;
        return member;
    }

    public void Remove(GroupMember member)
    {
        SetAwaitingJoin(member, null);
        _members.Remove(member.MemberId);
        if (member.GroupInstanceId is not null && StaticMemberId(member.GroupInstanceId) == member.MemberId)
        {
            _staticMembers.Remove(member.GroupInstanceId);
        }

        CountProtocols(member, -1);
        member.SessionTimer?.Dispose();
        member.SessionTimer = null;
        if (IsLeader(member.MemberId))
        {
            LeaderId = Members.FirstOrDefault()?.MemberId;
        }
    }

    /// <summary>KIP-345: the instance keeps its place (and assignment) under a new member id.</summary>
    public void ReplaceStaticMember(GroupMember member, string newMemberId)
    {
        var oldMemberId = member.MemberId;
        _members.Remove(oldMemberId);
        member.MemberId = newMemberId;
        _members.Add(newMemberId, member);
        _staticMembers[member.GroupInstanceId!] = newMemberId;
        if (LeaderId == oldMemberId)
        {
            LeaderId = newMemberId;
        }
    }

    public void UpdateProtocols(GroupMember member, IReadOnlyList<(string Name, byte[] Metadata)> protocols, int rebalanceTimeoutMs, int sessionTimeoutMs)
    {
        CountProtocols(member, -1);
        member.Protocols = protocols;
        CountProtocols(member, +1);
        member.RebalanceTimeoutMs = rebalanceTimeoutMs;
        member.SessionTimeoutMs = sessionTimeoutMs;
    }

    public void SetAwaitingJoin(GroupMember member, TaskCompletionSource<JoinGroupResult>? join)
    {
        if (member.AwaitingJoin is null && join is not null)
        {
            _awaitingJoinCount++;
        }
        else if (member.AwaitingJoin is not null && join is null)
        {
            _awaitingJoinCount--;
        }

        member.AwaitingJoin = join;
    }

    public bool IsPending(string memberId) => _pendingMembers.ContainsKey(memberId);

    public void AddPending(string memberId, ITimer expiry) => _pendingMembers[memberId] = expiry;

    public bool RemovePending(string memberId)
    {
        if (!_pendingMembers.Remove(memberId, out var timer))
        {
            return false;
        }

        timer.Dispose();
        return true;
    }

    public void DisposeTimers()
    {
        JoinTimer?.Dispose();
        JoinTimer = null;
        JoinTimerEpoch++;
        foreach (var member in _members.Values)
        {
            member.SessionTimer?.Dispose();
            member.SessionTimer = null;
        }

        foreach (var timer in _pendingMembers.Values)
        {
            timer.Dispose();
        }

        _pendingMembers.Clear();
    }

    /// <summary>
    /// Kafka's supportsProtocols: an Empty group accepts any non-empty protocol list; otherwise the
    /// protocol type must match and at least one protocol must be supported by every member.
    /// </summary>
    public bool SupportsProtocols(string protocolType, IReadOnlyList<(string Name, byte[] Metadata)> protocols)
    {
        if (State == GroupState.Empty)
        {
            return protocolType.Length > 0 && protocols.Count > 0;
        }

        return ProtocolType == protocolType && protocols.Any(p => _supportedProtocols.GetValueOrDefault(p.Name) == _members.Count);
    }

    /// <summary>
    /// Kafka's selectProtocol: among the protocols every member supports, each member votes for its
    /// most preferred one; most votes wins. Ties go to the ordinally smallest name, so the choice is deterministic.
    /// </summary>
    public string SelectProtocol()
    {
        var candidates = _supportedProtocols.Where(p => p.Value == _members.Count).Select(p => p.Key).ToHashSet(StringComparer.Ordinal);
        return _members.Values
            .GroupBy(m => m.Vote(candidates), StringComparer.Ordinal)
            .OrderByDescending(g => g.Count())
            .ThenBy(g => g.Key, StringComparer.Ordinal)
            .First().Key;
    }

    public IReadOnlyList<JoinGroupMember> CurrentMemberMetadata()
    {
        var protocol = ProtocolName ?? "";
        return Members.Select(m => new JoinGroupMember(m.MemberId, m.GroupInstanceId, m.MetadataFor(protocol))).ToList();
    }

    public GroupRecord ToRecord(DateTimeOffset now, IReadOnlyDictionary<string, byte[]>? assignments = null)
    {
        var protocol = ProtocolName ?? "";
        var members = Members.Select(m => new GroupMemberRecord(
            m.MemberId, m.GroupInstanceId, m.ClientId, m.ClientHost, m.RebalanceTimeoutMs, m.SessionTimeoutMs,
            m.MetadataFor(protocol), assignments?.GetValueOrDefault(m.MemberId) ?? m.Assignment)).ToList();
        return new GroupRecord(GroupId, ProtocolType ?? "", GenerationId, ProtocolName, LeaderId, now, members);
    }

    private void CountProtocols(GroupMember member, int delta)
    {
        foreach (var (name, _) in member.Protocols.DistinctBy(p => p.Name))
        {
            var count = _supportedProtocols.GetValueOrDefault(name) + delta;
            if (count == 0)
            {
                _supportedProtocols.Remove(name);
            }
            else
            {
                _supportedProtocols[name] = count;
            }
        }
    }
}
