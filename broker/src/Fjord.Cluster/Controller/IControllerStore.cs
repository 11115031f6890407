namespace Fjord.Cluster;

/// <summary>
/// The controller lease and the partition-state rows: what KRaft's controller quorum holds for Kafka.
/// A separate interface from <see cref="IMetadataStore"/> because only the controller and partition
/// leaders write through it, while every broker reads topics and brokers; both stores implement both
/// over the same data (and the same version number: every change here bumps it too).
/// </summary>
public interface IControllerStore
{
    /// <summary>
    /// Claims or renews the controller lease. No lease yet: the caller takes it with epoch 1. The
    /// caller's incarnation holds it: renewed (the row version changes, the epoch and the metadata
    /// version do not). Someone else holds it: the caller takes over, with epoch + 1, only once this
    /// store instance has seen the same row version unchanged for <paramref name="leaseDuration"/> on
    /// its own monotonic clock (Orleans-style: no comparison of clocks across machines), and at once
    /// when the lease was released or is held by an older incarnation of the caller's own node id while
    /// the caller is the node's registered incarnation (a restarted broker replaces its old process,
    /// which its registration has fenced already). Every
    /// takeover is a compare-and-swap, so of concurrent claimants at most one wins.
    /// </summary>
    Task<ControllerClaim> TryClaimControllerAsync(int nodeId, Guid incarnationId, TimeSpan leaseDuration, CancellationToken ct);

    /// <summary>
    /// The holder gives the lease up (a clean shutdown), so the next claimant takes over at once with
    /// epoch + 1 instead of waiting a lease duration. Guarded by the token like every controller write:
    /// false, writing nothing, when the token was deposed already. The token is fenced afterwards.
    /// </summary>
    /// <remarks>
    /// The default lets the lease lapse instead, which is always safe; both real stores implement it.
    /// </remarks>
    Task<bool> ReleaseControllerAsync(ControllerToken token, CancellationToken ct) => Task.FromResult(false);

    /// <summary>The current lease, or null when nobody holds it (before the first claim, or once released).</summary>
    Task<ControllerLease?> GetControllerAsync(CancellationToken ct);

    /// <summary>
    /// The controller's write of partition states. Each change carries the partition epoch it expects
    /// the stored row to have (null: the row must not exist); the writer sets the new state's partition
    /// epoch. Each transaction holds the lease row guarded by the token (and advances it), the
    /// partition rows guarded by their expected epochs, and the version bump, so a deposed controller
    /// writes nothing. Table storage allows 100 entities per transaction: changes are committed in
    /// chunks of <see cref="MaxPartitionsPerTransaction"/>, in order, each fenced on its own; a failed
    /// chunk leaves the earlier chunks written and stops (the caller re-reads and re-plans).
    /// A partition whose topic does not exist is a <see cref="WriteOutcome.Conflict"/>.
    /// </summary>
    Task<WriteOutcome> WritePartitionStatesAsync(
        ControllerToken token,
        IReadOnlyList<(PartitionState State, int? ExpectedPartitionEpoch)> changes,
        CancellationToken ct);

    /// <summary>
    /// A leader's ISR change (KRaft's AlterPartition): accepted only if the proposer still is the
    /// leader at the same leader epoch and the row still has <paramref name="expectedPartitionEpoch"/>;
    /// only the ISR may change; the stored partition epoch becomes expected + 1 whatever the proposal says.
    /// </summary>
    Task<AlterPartitionOutcome> AlterPartitionAsync(PartitionState proposed, int expectedPartitionEpoch, CancellationToken ct);

    /// <summary>One partition's state, or null (also when its topic was deleted or re-created since the row was written).</summary>
    Task<PartitionState?> GetPartitionStateAsync(string topic, int partition, CancellationToken ct);

    /// <summary>Every live partition's state as one consistent snapshot, ordered by topic then partition.</summary>
    Task<IReadOnlyList<PartitionState>> ListPartitionStatesAsync(CancellationToken ct);

    /// <summary>Table storage's 100 entities per transaction, less the lease row and the version row.</summary>
    public const int MaxPartitionsPerTransaction = 98;
}
