namespace Fjord.Cluster;

/// <summary>
/// A faithful in-process <see cref="IMetadataStore"/> for unit tests of logic built on the store:
/// same outcomes, same validation, same versioning (every change bumps it, heartbeats do not),
/// same optimistic update semantics (the change function may run more than once under a race).
/// </summary>
public sealed partial class InMemoryMetadataStore : IMetadataStore, IControllerStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, TopicMetadata> _topics = new(StringComparer.Ordinal);
    private readonly Dictionary<int, BrokerRegistration> _brokers = [];
    private readonly TimeProvider _time;
    private long _version;
    private readonly HashSet<Guid> _deletedTopicIds = [];
    private string? _clusterId;

    public InMemoryMetadataStore(TimeProvider? timeProvider = null)
    {
        _time = timeProvider ?? TimeProvider.System;
        _leaseObserver = new LeaseObserver(_time);
    }

    public Task<string> GetOrCreateClusterIdAsync(CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        lock (_lock)
            return Task.FromResult(_clusterId ??= ClusterIds.NewClusterId());
    }

    public string Location => "in-memory metadata store";

    public Task<string?> GetClusterIdAsync(CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        lock (_lock)
            return Task.FromResult(_clusterId);
    }

    public Task<IReadOnlySet<Guid>> ListDeletedTopicIdsAsync(CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        lock (_lock)
            return Task.FromResult<IReadOnlySet<Guid>>(_deletedTopicIds.ToHashSet());
    }

    public Task<long> GetVersionAsync(CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        lock (_lock)
            return Task.FromResult(_version);
    }

    public Task<IReadOnlyList<TopicMetadata>> ListTopicsAsync(CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        lock (_lock)
        {
            IReadOnlyList<TopicMetadata> topics = [.. _topics.Values.OrderBy(t => t.Name, StringComparer.Ordinal).Select(MetadataValidation.Snapshot)];
            return Task.FromResult(topics);
        }
    }

    public Task<TopicMetadata?> GetTopicAsync(string name, CancellationToken ct)
    {
        MetadataValidation.ValidateTopicName(name);
        ct.ThrowIfCancellationRequested();
        lock (_lock)
            return Task.FromResult(_topics.TryGetValue(name, out var topic) ? MetadataValidation.Snapshot(topic) : null);
    }

    public Task<CreateTopicOutcome> CreateTopicAsync(TopicMetadata topic, CancellationToken ct)
    {
        MetadataValidation.ValidateTopic(topic);
        ct.ThrowIfCancellationRequested();
        var stored = MetadataValidation.Snapshot(topic);
        lock (_lock)
        {
            if (!_topics.TryAdd(topic.Name, stored))
                return Task.FromResult(CreateTopicOutcome.AlreadyExists);
            _version++;
            return Task.FromResult(CreateTopicOutcome.Created);
        }
    }

    public Task<bool> DeleteTopicAsync(string name, Guid? expectedTopicId, CancellationToken ct)
    {
        MetadataValidation.ValidateTopicName(name);
        ct.ThrowIfCancellationRequested();
        lock (_lock)
        {
            if (!_topics.TryGetValue(name, out var topic) || (expectedTopicId is { } expected && topic.TopicId != expected))
                return Task.FromResult(false);
            _topics.Remove(name);
            _deletedTopicIds.Add(topic.TopicId);
            RemovePartitionStates(name);
            _version++;
            return Task.FromResult(true);
        }
    }

    public Task<UpdateOutcome> UpdateTopicAsync(string name, Func<TopicMetadata, TopicMetadata?> change, CancellationToken ct)
    {
        MetadataValidation.ValidateTopicName(name);
        ArgumentNullException.ThrowIfNull(change);
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            TopicMetadata? current;
            lock (_lock)
                _topics.TryGetValue(name, out current);
            if (current is null)
                return Task.FromResult(UpdateOutcome.NotFound);

            // The change runs outside the lock, as it does against Table storage, and commits only
            // if nobody replaced the row meanwhile (reference identity plays the ETag).
            var changed = change(MetadataValidation.Snapshot(current));
            if (changed is null)
                return Task.FromResult(UpdateOutcome.Unchanged);
            MetadataValidation.EnsureSameIdentity(current, changed);
            MetadataValidation.ValidateTopic(changed);
            var stored = MetadataValidation.Snapshot(changed);

            lock (_lock)
            {
                if (_topics.TryGetValue(name, out var now) && ReferenceEquals(now, current))
                {
                    _topics[name] = stored;
                    _version++;
                    return Task.FromResult(UpdateOutcome.Updated);
                }
            }
        }
    }

    public Task RegisterBrokerAsync(BrokerRegistration registration, CancellationToken ct)
    {
        MetadataValidation.ValidateRegistration(registration);
        ct.ThrowIfCancellationRequested();
        var stored = registration with { Endpoints = [.. registration.Endpoints] };
        lock (_lock)
        {
            _brokers[registration.NodeId] = stored;
            _version++;
        }

        return Task.CompletedTask;
    }

    public Task HeartbeatAsync(int nodeId, Guid incarnationId, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        lock (_lock)
        {
            if (!_brokers.TryGetValue(nodeId, out var registration) || registration.IncarnationId != incarnationId)
                throw new BrokerFencedException(nodeId, incarnationId, registration?.IncarnationId);
            _brokers[nodeId] = registration with { LastHeartbeat = _time.GetUtcNow() };
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<BrokerRegistration>> ListBrokersAsync(CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        lock (_lock)
        {
            IReadOnlyList<BrokerRegistration> brokers = [.. _brokers.Values.OrderBy(b => b.NodeId)];
            return Task.FromResult(brokers);
        }
    }
}
