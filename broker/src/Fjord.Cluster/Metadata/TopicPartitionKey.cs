namespace Fjord.Cluster;

/// <summary>A topic name and partition index, as a dictionary key.</summary>
public readonly record struct TopicPartitionKey(string Topic, int Partition);
