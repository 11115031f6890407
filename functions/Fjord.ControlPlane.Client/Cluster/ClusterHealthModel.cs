namespace Fjord.ControlPlane.Client.Cluster;

/// <summary>The cluster's verdict as the API names it (<c>"healthy"</c>, <c>"degraded"</c>, <c>"unavailable"</c>).</summary>
public enum ClusterHealthModel
{
    Healthy,
    Degraded,
    Unavailable,
}
