namespace Fjord.ControlPlane.Cluster;

/// <summary>The broker holding the controller lease, the lease's epoch, and whether that broker is alive.</summary>
public sealed record ControllerView(int NodeId, long Epoch, bool Alive);
