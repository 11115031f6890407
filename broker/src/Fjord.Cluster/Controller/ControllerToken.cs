namespace Fjord.Cluster;

/// <summary>
/// The controller's proof of office: the lease row version (ETag) it last wrote. Every controller
/// write re-guards the lease row with this tag in the same transaction, so once another node takes
/// over (changing the row) the old holder's writes fail; no clock is involved in that check.
/// A token belongs to one epoch: a takeover issues a new token, and a renewal or a successful write
/// advances the tag of the same token. One token serialises its holder's lease-row writes in this
/// process, so the holder's own renewal never makes its own write look deposed.
/// </summary>
public sealed class ControllerToken
{
    private readonly Lock _lock = new();
    private string _leaseTag;

    internal ControllerToken(ControllerLease lease, string leaseTag)
    {
        Lease = lease;
        _leaseTag = leaseTag;
    }

    public ControllerLease Lease { get; }

    public int ControllerId => Lease.ControllerId;

    public long Epoch => Lease.Epoch;

    /// <summary>Held while a lease-row write of this holder is in flight.</summary>
    internal SemaphoreSlim Gate { get; } = new(1, 1);

    internal string LeaseTag
    {
        get
        {
            lock (_lock)
                return _leaseTag;
        }

        set
        {
            lock (_lock)
                _leaseTag = value;
        }
    }
}
