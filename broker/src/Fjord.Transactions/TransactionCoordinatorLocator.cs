using Fjord.Cluster;

namespace Fjord.Transactions;

/// <summary>
/// Where each transactional id is coordinated in the cluster: at the leader of its
/// <c>__transaction_state</c> partition (Kafka's rule; Fjord keeps the state in Table storage, so the
/// partition has a leader but no log). Loads every partition this broker starts leading into the local
/// <see cref="TransactionCoordinator"/>, at the partition's leader epoch as coordinator epoch, and unloads
/// every partition it stops leading, or leads at a new epoch (another broker may have led it in between,
/// so the state is read again).
/// </summary>
public sealed class TransactionCoordinatorLocator : IDisposable
{
    private readonly MetadataCache _metadata;
    private readonly TransactionCoordinator _coordinator;
    private readonly int _nodeId;
    private readonly int _partitions;
    private readonly Lock _lock = new();

    // __transaction_state partitions this broker led in the last snapshot seen, with their leader epochs.
    private Dictionary<int, int> _led = [];

    /// <param name="isFenced">Whether this broker is fenced now (the broker's membership decides; asked on every request).</param>
    public TransactionCoordinatorLocator(MetadataCache metadata, TransactionCoordinator coordinator, Func<bool> isFenced, int nodeId, int transactionStatePartitions)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        ArgumentNullException.ThrowIfNull(coordinator);
        ArgumentNullException.ThrowIfNull(isFenced);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(transactionStatePartitions);
        _metadata = metadata;
        _coordinator = coordinator;
        _nodeId = nodeId;
        _partitions = transactionStatePartitions;
        _coordinator.UseFencing(isFenced);
        _metadata.Changed += OnChanged;
        OnChanged(_metadata.Current);
    }

    /// <summary>The <c>__transaction_state</c> partition of <paramref name="transactionalId"/> (transaction.state.log.num.partitions).</summary>
    public int PartitionFor(string transactionalId) => TransactionCoordinator.PartitionFor(transactionalId, _partitions);

    /// <summary>The node that coordinates <paramref name="transactionalId"/> in <paramref name="snapshot"/>, or -1 when its partition has no leader.</summary>
    public int CoordinatorOf(string transactionalId, MetadataSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        // No state yet (the topic is not placed): nobody coordinates the id, or two brokers could both take it.
        return snapshot.PartitionStateOf(TopicNames.TransactionState, PartitionFor(transactionalId))?.Leader ?? PartitionState.NoLeader;
    }

    private void OnChanged(MetadataSnapshot snapshot)
    {
        lock (_lock)
        {
            var led = new Dictionary<int, int>();
            foreach (var state in snapshot.Partitions.Values)
            {
                if (state.Topic == TopicNames.TransactionState && state.Leader == _nodeId && state.Partition < _partitions)
                {
                    led[state.Partition] = state.LeaderEpoch;
                }
            }

            foreach (var (partition, epoch) in _led)
            {
                if (!led.TryGetValue(partition, out var now) || now != epoch)
                {
                    _coordinator.UnloadPartition(partition);
                }
            }

            foreach (var (partition, epoch) in led)
            {
                if (!_led.TryGetValue(partition, out var before) || before != epoch)
                {
                    // Loads in the background; its ids answer COORDINATOR_LOAD_IN_PROGRESS meanwhile.
                    _ = _coordinator.LoadPartitionAsync(partition, epoch);
                }
            }

            _led = led;
        }
    }

    public void Dispose() => _metadata.Changed -= OnChanged;
}
