using Fjord.Cluster;
using Fjord.Protocol;

namespace Fjord.Transactions;

public sealed partial class TransactionCoordinator
{
    /// <summary>DescribeTransactions: each id's state as this coordinator holds it, or why it cannot say.</summary>
    public IReadOnlyList<TransactionDescription> Describe(IEnumerable<string> transactionalIds)
    {
        ArgumentNullException.ThrowIfNull(transactionalIds);
        var descriptions = new List<TransactionDescription>();
        foreach (var id in transactionalIds)
        {
            // Kafka (TransactionCoordinator.handleDescribeTransactions): an empty id is a malformed request, not an unknown id.
            if (string.IsNullOrEmpty(id))
            {
                descriptions.Add(TransactionDescription.Failed(id ?? "", ErrorCode.InvalidRequest));
                continue;
            }

            var error = Ownership(PartitionFor(id), out var partition);
            if (error != ErrorCode.None)
            {
                descriptions.Add(TransactionDescription.Failed(id, error));
                continue;
            }

            var m = partition!.Entries.TryGetValue(id, out var entry) ? entry.Metadata : null;
            descriptions.Add(m is null
                ? TransactionDescription.Failed(id, ErrorCode.TransactionalIdNotFound)
                : new TransactionDescription(id, ErrorCode.None, m.State.ToString(), m.TransactionTimeoutMs,
                    m.TransactionStartTimestampMs, m.ProducerId, m.ProducerEpoch, AsTuples(m.Partitions)));
        }

        return descriptions;
    }

    /// <summary>
    /// ListTransactions over the owned partitions (Kafka's listTransactionStates). Empty filters match
    /// everything; state names that are not Kafka's match nothing. <paramref name="durationFilterMs"/> (v1)
    /// keeps only transactions started more than that long ago; negative keeps all.
    /// </summary>
    public ListTransactionsResult List(IReadOnlyCollection<string> stateFilters, IReadOnlyCollection<long> producerIdFilters, long durationFilterMs)
    {
        ArgumentNullException.ThrowIfNull(stateFilters);
        ArgumentNullException.ThrowIfNull(producerIdFilters);
        if (_isFenced())
        {
            return new ListTransactionsResult(ErrorCode.NotCoordinator, []);
        }

        var partitions = _partitions.Values.ToList();
        if (partitions.Any(p => !p.Loaded))
        {
            return new ListTransactionsResult(ErrorCode.CoordinatorLoadInProgress, []);
        }

        var states = Enum.GetValues<TransactionState>().Where(s => stateFilters.Contains(s.ToString(), StringComparer.Ordinal)).ToHashSet();
        var producerIds = producerIdFilters.ToHashSet();
        var now = NowMs;
        var listed = partitions
            .SelectMany(p => p.Entries.Values)
            .Select(e => e.Metadata)
            .OfType<TransactionMetadata>()
            .Where(m => m.State != TransactionState.Dead)
            .Where(m => producerIds.Count == 0 || producerIds.Contains(m.ProducerId))
            .Where(m => stateFilters.Count == 0 || states.Contains(m.State))
            .Where(m => durationFilterMs < 0 || now - m.TransactionStartTimestampMs > durationFilterMs)
            .OrderBy(m => m.TransactionalId, StringComparer.Ordinal)
            .Select(m => new TransactionListing(m.TransactionalId, m.ProducerId, m.State.ToString()))
            .ToList();
        return new ListTransactionsResult(ErrorCode.None, listed);
    }
}
