namespace Fjord.Controller;

/// <summary>
/// One manual assignment as CreateTopics carries it: a partition index and its replicas, preferred leader first.
/// </summary>
public sealed record PartitionAssignment(int PartitionIndex, IReadOnlyList<int> BrokerIds);
