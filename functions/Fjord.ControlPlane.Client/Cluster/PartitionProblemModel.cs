namespace Fjord.ControlPlane.Client.Cluster;

/// <summary>What is wrong with a partition (<c>"offline"</c>, <c>"underReplicated"</c>, <c>"underMinIsr"</c>).</summary>
public enum PartitionProblemModel
{
    Offline,
    UnderReplicated,
    UnderMinIsr,
}
