namespace Fjord.ControlPlane.Cluster;

/// <summary>Counts over every partition of every topic, as the controller's partition rows have them.</summary>
public sealed record PartitionHealthSummary(int Topics, int Total, int UnderReplicated, int UnderMinIsr, int Offline);
