namespace Fjord.ControlPlane.Topics;

/// <summary>One partition's replication state as the controller last wrote it; <see cref="Leader"/> is -1 while it has none.</summary>
public sealed record TopicPartitionView(int Partition, int Leader, int LeaderEpoch, IReadOnlyList<int> Replicas, IReadOnlyList<int> Isr);
