namespace Fjord.Cluster;

/// <summary>
/// Kafka's TransactionState, with Kafka's names (DescribeTransactions and ListTransactions send them
/// as strings, so <see cref="Enum.ToString()"/> is the wire name).
/// </summary>
public enum TransactionState
{
    /// <summary>No transaction in progress; the id has a producer id and epoch.</summary>
    Empty,

    /// <summary>Partitions were added; records may be in the logs.</summary>
    Ongoing,

    /// <summary>EndTxn(commit) was accepted: the outcome is decided, markers are being written.</summary>
    PrepareCommit,

    /// <summary>EndTxn(abort), a timeout or a fence decided to abort; markers are being written.</summary>
    PrepareAbort,

    /// <summary>Every commit marker is written.</summary>
    CompleteCommit,

    /// <summary>Every abort marker is written.</summary>
    CompleteAbort,

    /// <summary>The id expired and is being removed.</summary>
    Dead,

    /// <summary>
    /// Kafka's in-memory state on the way from Ongoing to PrepareAbort when a new producer fences the
    /// old one. Fjord writes PrepareAbort with the bumped epoch in one step, so it is never stored;
    /// it is kept for the transition table and the wire names.
    /// </summary>
    PrepareEpochFence,
}
