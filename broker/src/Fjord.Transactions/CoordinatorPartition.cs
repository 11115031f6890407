using System.Collections.Concurrent;

namespace Fjord.Transactions;

/// <summary>
/// One <c>__transaction_state</c> partition this broker coordinates, at one coordinator epoch (the
/// partition's leader epoch). A new term is a new instance, so work of an old term can tell it is stale.
/// </summary>
internal sealed class CoordinatorPartition(int partition, int coordinatorEpoch)
{
    public int Partition { get; } = partition;

    public int CoordinatorEpoch { get; } = coordinatorEpoch;

    /// <summary>Cancelled when the partition is unloaded: stops its loading and marker retries.</summary>
    public CancellationTokenSource Unloading { get; } = new();

    public ConcurrentDictionary<string, TransactionEntry> Entries { get; } = new(StringComparer.Ordinal);

    private volatile bool _loaded;

    /// <summary>False until the partition's rows are in memory; requests meanwhile get COORDINATOR_LOAD_IN_PROGRESS.</summary>
    public bool Loaded
    {
        get => _loaded;
        set => _loaded = value;
    }

    public Task LoadTask { get; set; } = Task.CompletedTask;
}
