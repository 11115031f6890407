namespace Fjord.ControlPlane.Cluster;

/// <summary>
/// The cluster's overall verdict. <see cref="Unavailable"/>: some data can be neither written nor read (a partition
/// has no live leader, or no broker is alive). <see cref="Degraded"/>: everything is served, but with less safety or
/// headroom than configured (under-replicated partitions, a dead broker, failing Blob uploads, no controller).
/// </summary>
public enum ClusterHealth
{
    Healthy,
    Degraded,
    Unavailable,
}
