namespace Fjord.Cluster;

/// <summary>A partition taking part in a transaction (Kafka's TopicPartition).</summary>
public readonly record struct TransactionPartition(string Topic, int Partition)
{
    /// <summary>Topic (ordinal), then partition number: the order the coordinator keeps and the stores return.</summary>
    public static readonly IComparer<TransactionPartition> Order = Comparer<TransactionPartition>.Create(static (a, b) =>
    {
        var byTopic = string.CompareOrdinal(a.Topic, b.Topic);
        return byTopic != 0 ? byTopic : a.Partition.CompareTo(b.Partition);
    });

    public override string ToString() => $"{Topic}-{Partition}";
}
