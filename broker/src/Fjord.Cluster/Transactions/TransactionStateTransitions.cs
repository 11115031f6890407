namespace Fjord.Cluster;

/// <summary>
/// Kafka's TransactionState.validPreviousStates: which states a transactional id may move to from
/// which. Self-transitions of the stable states are allowed (Kafka does: an epoch bump rewrites Empty,
/// a second AddPartitions rewrites Ongoing).
/// </summary>
public static class TransactionStateTransitions
{
    public static bool IsValid(TransactionState from, TransactionState to) => to switch
    {
        TransactionState.Empty => from is TransactionState.Empty or TransactionState.CompleteCommit or TransactionState.CompleteAbort,
        TransactionState.Ongoing => from is TransactionState.Ongoing or TransactionState.Empty or TransactionState.CompleteCommit or TransactionState.CompleteAbort,
        TransactionState.PrepareCommit => from is TransactionState.Ongoing,
        // Empty and Complete*: KIP-890's transaction version 2 aborts with no transaction open, to bump the epoch.
        TransactionState.PrepareAbort => from is TransactionState.Ongoing or TransactionState.PrepareEpochFence
            or TransactionState.Empty or TransactionState.CompleteCommit or TransactionState.CompleteAbort,
        TransactionState.CompleteCommit => from is TransactionState.PrepareCommit,
        TransactionState.CompleteAbort => from is TransactionState.PrepareAbort,
        TransactionState.Dead => from is TransactionState.Empty or TransactionState.CompleteCommit or TransactionState.CompleteAbort,
        TransactionState.PrepareEpochFence => from is TransactionState.Ongoing,
        _ => false,
    };

    /// <summary>Prepare states: the outcome is decided and markers are still to be written.</summary>
    public static bool IsPrepare(TransactionState state) => state is TransactionState.PrepareCommit or TransactionState.PrepareAbort or TransactionState.PrepareEpochFence;

    /// <summary>States in which no transaction is open, so the id may expire.</summary>
    public static bool IsIdle(TransactionState state) => state is TransactionState.Empty or TransactionState.CompleteCommit or TransactionState.CompleteAbort;
}
