namespace Fjord.Cluster;

/// <summary>
/// The answer to <see cref="IControllerStore.TryClaimControllerAsync"/>: whether the caller is the
/// controller now, the lease as the store last saw it (null only when no lease exists), and for the
/// holder the <see cref="ControllerToken"/> its writes must carry. <paramref name="Lapsed"/> is set
/// only on a takeover of a lease whose holder fell silent for a whole lease duration: that holder
/// could not write to the store for that long, heartbeats included, so the new controller may count
/// its broker dead at once. <paramref name="Superseded"/> is set only on a takeover from an older
/// incarnation of the claimant's own node: that node restarted, so whatever its old process led or
/// followed must be revoked as for any restarted broker. A takeover of a released lease sets neither.
/// </summary>
public sealed record ControllerClaim(bool IsController, ControllerLease? Lease, ControllerToken? Token, ControllerLease? Lapsed = null, ControllerLease? Superseded = null);
