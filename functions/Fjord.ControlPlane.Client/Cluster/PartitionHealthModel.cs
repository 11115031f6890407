namespace Fjord.ControlPlane.Client.Cluster;

/// <summary>Partition counts over the whole cluster.</summary>
public sealed record PartitionHealthModel(int Topics, int Total, int UnderReplicated, int UnderMinIsr, int Offline);
