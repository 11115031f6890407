using Fjord.Broker.Membership;
using Fjord.Broker.Replicas;
using Fjord.Cluster;
using Fjord.Groups;
using Fjord.Protocol;

namespace Fjord.Broker.Transactions;

/// <summary>
/// What a partition leader does with a transaction marker (Kafka's handleWriteTxnMarkersRequest): data
/// partitions get a control batch in their log; a __consumer_offsets partition has no log here, so its
/// marker goes to the group coordinator, which commits or drops the transaction's pending offsets.
/// Serves both the WriteTxnMarkers API and the coordinator's markers for partitions led by this broker.
/// </summary>
public sealed class TransactionMarkerApplier(MetadataCache metadata, ReplicaManager replicas, GroupCoordinator groups, BrokerFencing fencing, int nodeId)
{
    /// <summary>Kafka's default request.timeout.ms, the time a marker may wait for its ISR.</summary>
    public const int MarkerTimeoutMs = 30_000;

    /// <summary>One error per partition, in order.</summary>
    public async ValueTask<ErrorCode[]> ApplyAsync(long producerId, short producerEpoch, int coordinatorEpoch, bool commit,
        IReadOnlyList<(string Topic, int Partition)> partitions, CancellationToken ct)
    {
        var snapshot = metadata.Current;
        var errors = new ErrorCode[partitions.Count];
        var data = new List<(TopicMetadata? Topic, string Name, int Partition)>();
        var dataIndexes = new List<int>();
        for (var i = 0; i < partitions.Count; i++)
        {
            var (topic, partition) = partitions[i];
            if (topic == TopicNames.ConsumerOffsets)
            {
                errors[i] = await CompleteOffsetsAsync(snapshot, partition, producerId, commit, ct);
                continue;
            }

            data.Add((snapshot.TopicsByName.GetValueOrDefault(topic), topic, partition));
            dataIndexes.Add(i);
        }

        if (data.Count > 0)
        {
            var results = await replicas.WriteTxnMarkersAsync(producerId, producerEpoch, coordinatorEpoch, commit, data, MarkerTimeoutMs, ct);
            for (var j = 0; j < results.Length; j++)
                errors[dataIndexes[j]] = results[j];
        }

        return errors;
    }

    private async ValueTask<ErrorCode> CompleteOffsetsAsync(MetadataSnapshot snapshot, int partition, long producerId, bool commit, CancellationToken ct)
    {
        var state = snapshot.PartitionStateOf(TopicNames.ConsumerOffsets, partition);
        if (state is null) return ErrorCode.UnknownTopicOrPartition;
        if (state.Leader != nodeId || fencing.IsFenced) return ErrorCode.NotLeaderOrFollower;
        return await groups.CompleteTransactionAsync(partition, producerId, commit, ct);
    }
}
