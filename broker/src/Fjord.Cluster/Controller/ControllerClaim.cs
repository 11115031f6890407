namespace Fjord.Cluster;

/// <summary>
/// The answer to <see cref="IControllerStore.TryClaimControllerAsync"/>: whether the caller is the
/// controller now, the lease as the store last saw it (null only when no lease exists), and for the
/// holder the <see cref="ControllerToken"/> its writes must carry.
/// </summary>
public sealed record ControllerClaim(bool IsController, ControllerLease? Lease, ControllerToken? Token);
