namespace Fjord.Cluster;

public sealed partial class InMemoryMetadataStore
{
    private readonly Dictionary<(string Topic, int Partition), StoredPartition> _partitions = [];
    private readonly Dictionary<Guid, ControllerToken> _tokens = [];
    private readonly LeaseObserver _leaseObserver;
    private ControllerLease? _lease;
    private bool _leaseReleased;

    // Plays the lease row's ETag: changes on every write of the row.
    private long _leaseTag;

    public Task<ControllerClaim> TryClaimControllerAsync(int nodeId, Guid incarnationId, TimeSpan leaseDuration, CancellationToken ct)
    {
        ControllerStoreValidation.ValidateClaim(nodeId, incarnationId, leaseDuration);
        ct.ThrowIfCancellationRequested();
        lock (_lock)
        {
            if (_lease is null)
                return Task.FromResult(TakeLease(new ControllerLease(nodeId, incarnationId, 1), lapsed: null));

            if (_leaseReleased)
                return Task.FromResult(TakeLease(new ControllerLease(nodeId, incarnationId, _lease.Epoch + 1), lapsed: null));
            if (ReplacesOwnNode(_lease, nodeId, incarnationId))
            {
                var superseded = _lease;
                return Task.FromResult(TakeLease(new ControllerLease(nodeId, incarnationId, superseded.Epoch + 1), lapsed: null) with { Superseded = superseded });
            }

            if (_lease.IncarnationId == incarnationId)
            {
                var tag = NextLeaseTag();
                if (!_tokens.TryGetValue(incarnationId, out var token) || token.Epoch != _lease.Epoch)
                    _tokens[incarnationId] = token = new ControllerToken(_lease, tag);
                token.LeaseTag = tag;
                return Task.FromResult(new ControllerClaim(true, _lease, token));
            }

            if (_leaseObserver.HasExpired(incarnationId, LeaseTagString(), leaseDuration))
                return Task.FromResult(TakeLease(new ControllerLease(nodeId, incarnationId, _lease.Epoch + 1), lapsed: _lease));
            return Task.FromResult(new ControllerClaim(false, _lease, null));
        }
    }

    public Task<bool> ReleaseControllerAsync(ControllerToken token, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(token);
        ct.ThrowIfCancellationRequested();
        lock (_lock)
        {
            if (_leaseReleased || !string.Equals(token.LeaseTag, LeaseTagString(), StringComparison.Ordinal))
                return Task.FromResult(false);
            // A new row version the token does not adopt: its later writes are fenced. The metadata
            // version moves with the takeover that follows, as for any takeover.
            _leaseReleased = true;
            NextLeaseTag();
            _tokens.Remove(token.Lease.IncarnationId);
            return Task.FromResult(true);
        }
    }

    public Task<ControllerLease?> GetControllerAsync(CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        lock (_lock)
            return Task.FromResult(_leaseReleased ? null : _lease);
    }

    public Task<WriteOutcome> WritePartitionStatesAsync(
        ControllerToken token,
        IReadOnlyList<(PartitionState State, int? ExpectedPartitionEpoch)> changes,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(token);
        ControllerStoreValidation.ValidateChanges(changes);
        // Chunked exactly as Table storage commits them, so both stores bump the version alike.
        foreach (var chunk in changes.Chunk(IControllerStore.MaxPartitionsPerTransaction))
        {
            ct.ThrowIfCancellationRequested();
            lock (_lock)
            {
                if (!string.Equals(token.LeaseTag, LeaseTagString(), StringComparison.Ordinal))
                    return Task.FromResult(WriteOutcome.Fenced);
                var topicIds = new Dictionary<string, Guid>(StringComparer.Ordinal);
                foreach (var (state, expected) in chunk)
                {
                    if (!_topics.TryGetValue(state.Topic, out var topic))
                        return Task.FromResult(WriteOutcome.Conflict);
                    topicIds[state.Topic] = topic.TopicId;
                    var current = Visible(state.Topic, state.Partition);
                    if (current?.PartitionEpoch != expected)
                        return Task.FromResult(WriteOutcome.Conflict);
                }

                foreach (var (state, _) in chunk)
                    _partitions[(state.Topic, state.Partition)] = new StoredPartition(PartitionStateValidation.Snapshot(state), topicIds[state.Topic]);
                token.LeaseTag = NextLeaseTag();
                _version++;
            }
        }

        return Task.FromResult(WriteOutcome.Written);
    }

    public Task<AlterPartitionOutcome> AlterPartitionAsync(PartitionState proposed, int expectedPartitionEpoch, CancellationToken ct)
    {
        PartitionStateValidation.Validate(proposed);
        ct.ThrowIfCancellationRequested();
        lock (_lock)
        {
            var current = Visible(proposed.Topic, proposed.Partition);
            var (status, next) = AlterPartitionRules.Decide(current, proposed, expectedPartitionEpoch);
            if (status != AlterPartitionStatus.Altered)
                return Task.FromResult(new AlterPartitionOutcome(status, current is null ? null : PartitionStateValidation.Snapshot(current)));

            var stored = _partitions[(proposed.Topic, proposed.Partition)];
            _partitions[(proposed.Topic, proposed.Partition)] = stored with { State = next! };
            _version++;
            return Task.FromResult(new AlterPartitionOutcome(status, PartitionStateValidation.Snapshot(next!)));
        }
    }

    public Task<PartitionState?> GetPartitionStateAsync(string topic, int partition, CancellationToken ct)
    {
        MetadataValidation.ValidateTopicName(topic);
        ArgumentOutOfRangeException.ThrowIfNegative(partition);
        ct.ThrowIfCancellationRequested();
        lock (_lock)
        {
            var state = Visible(topic, partition);
            return Task.FromResult(state is null ? null : PartitionStateValidation.Snapshot(state));
        }
    }

    public Task<IReadOnlyList<PartitionState>> ListPartitionStatesAsync(CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        lock (_lock)
        {
            var states = new List<PartitionState>(_partitions.Count);
            foreach (var (key, _) in _partitions)
            {
                if (Visible(key.Topic, key.Partition) is { } state)
                    states.Add(PartitionStateValidation.Snapshot(state));
            }

            states.Sort(PartitionStateValidation.Compare);
            return Task.FromResult<IReadOnlyList<PartitionState>>(states);
        }
    }

    /// <summary>The state of a partition of the live topic of that name; rows of a deleted incarnation of the name stay invisible.</summary>
    private PartitionState? Visible(string topic, int partition) =>
        _partitions.TryGetValue((topic, partition), out var stored)
        && _topics.TryGetValue(topic, out var live)
        && live.TopicId == stored.TopicId
            ? stored.State
            : null;

    private void RemovePartitionStates(string topic)
    {
        foreach (var key in _partitions.Keys.Where(k => string.Equals(k.Topic, topic, StringComparison.Ordinal)).ToList())
            _partitions.Remove(key);
    }

    /// <summary>The claimant is the registered process of the node whose older process holds the lease.</summary>
    private bool ReplacesOwnNode(ControllerLease lease, int nodeId, Guid incarnationId) =>
        lease.ControllerId == nodeId
        && lease.IncarnationId != incarnationId
        && _brokers.TryGetValue(nodeId, out var registered)
        && registered.IncarnationId == incarnationId;

    private ControllerClaim TakeLease(ControllerLease lease, ControllerLease? lapsed)
    {
        _lease = lease;
        _leaseReleased = false;
        var token = new ControllerToken(lease, NextLeaseTag());
        _tokens[lease.IncarnationId] = token;
        _leaseObserver.Forget(lease.IncarnationId);
        _version++;
        return new ControllerClaim(true, lease, token, lapsed);
    }

    private string NextLeaseTag()
    {
        _leaseTag++;
        return LeaseTagString();
    }

    private string LeaseTagString() => _leaseTag.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private sealed record StoredPartition(PartitionState State, Guid TopicId);
}
