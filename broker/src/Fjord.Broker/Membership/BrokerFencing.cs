namespace Fjord.Broker.Membership;

/// <summary>
/// Whether this broker may act for the cluster. A fenced broker (its registration is gone or
/// superseded, or its metadata store no longer holds its cluster) leads nothing: it answers no
/// produce, fetch or group request as leader or coordinator, runs no controller and uploads nothing,
/// because a store that lost or replaced the cluster's rows may already have another leader elsewhere.
/// </summary>
public sealed class BrokerFencing
{
    private string? _reason;

    public bool IsFenced => Volatile.Read(ref _reason) is not null;

    /// <summary>Why the broker is fenced, null while it is not.</summary>
    public string? Reason => Volatile.Read(ref _reason);

    /// <summary>Fences the broker; true when it was not fenced before (the caller acts on the change).</summary>
    public bool Fence(string reason)
    {
        ArgumentException.ThrowIfNullOrEmpty(reason);
        return Interlocked.CompareExchange(ref _reason, reason, null) is null;
    }

    public void Unfence() => Volatile.Write(ref _reason, null);
}
