namespace Fjord.Cluster;

/// <summary>
/// Who holds the controller lease. <paramref name="Epoch"/> is Kafka's controller epoch: it grows by
/// one on every takeover (never on a renewal), so anything stamped with an older epoch came from a
/// deposed controller.
/// </summary>
public sealed record ControllerLease(int ControllerId, Guid IncarnationId, long Epoch);
