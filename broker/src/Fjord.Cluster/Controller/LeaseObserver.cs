namespace Fjord.Cluster;

/// <summary>
/// Orleans' way to decide that a lease holder is dead without trusting any other machine's clock:
/// a claimant remembers the lease row version it saw and when (on its own monotonic clock), and may
/// take over only once that same version has stayed unchanged for a whole lease duration. Any write by
/// the holder (renewal or controller write) changes the version and restarts the wait.
/// </summary>
internal sealed class LeaseObserver(TimeProvider time)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<Guid, (string Tag, long SinceTimestamp)> _seen = [];

    /// <summary>True when <paramref name="claimant"/> has seen <paramref name="tag"/> unchanged for <paramref name="leaseDuration"/>.</summary>
    public bool HasExpired(Guid claimant, string tag, TimeSpan leaseDuration)
    {
        lock (_lock)
        {
            if (_seen.TryGetValue(claimant, out var seen) && string.Equals(seen.Tag, tag, StringComparison.Ordinal))
                return time.GetElapsedTime(seen.SinceTimestamp) >= leaseDuration;
            _seen[claimant] = (tag, time.GetTimestamp());
            return false;
        }
    }

    public void Forget(Guid claimant)
    {
        lock (_lock)
            _seen.Remove(claimant);
    }
}
