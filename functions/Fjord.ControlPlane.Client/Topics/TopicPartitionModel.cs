namespace Fjord.ControlPlane.Client.Topics;

/// <summary>One partition's leader (-1: none yet), leader epoch, replicas and in-sync replicas, by broker id.</summary>
public sealed record TopicPartitionModel(int Partition, int Leader, int LeaderEpoch, IReadOnlyList<int> Replicas, IReadOnlyList<int> Isr);
