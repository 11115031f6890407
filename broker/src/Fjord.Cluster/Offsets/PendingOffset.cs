namespace Fjord.Cluster;

/// <summary>
/// An offset committed inside a transaction (TxnOffsetCommit) that is not yet visible: it becomes a
/// committed offset when the transaction's COMMIT marker reaches the group's coordinator, and is
/// dropped on ABORT.
/// </summary>
public sealed record PendingOffset(long ProducerId, CommittedOffset Offset);
