using Fjord.Broker.Produce;
using Fjord.Cluster;
using Fjord.Log;
using Fjord.Log.Records;
using Fjord.Protocol;

namespace Fjord.Broker.Replicas;

public sealed partial class ReplicaManager
{
    /// <summary>
    /// WriteTxnMarkers for the data partitions of one marker: appends a COMMIT or ABORT control batch of
    /// the producer to each partition this broker leads, as Kafka does with acks=all and the coordinator
    /// origin (no client checks; the log checks the producer and coordinator epochs), and answers once the
    /// ISR has it, so a completed transaction is never undone by a failover.
    /// </summary>
    public async ValueTask<ErrorCode[]> WriteTxnMarkersAsync(long producerId, short producerEpoch, int coordinatorEpoch, bool commit,
        IReadOnlyList<(TopicMetadata? Topic, string Name, int Partition)> partitions, int timeoutMs, CancellationToken ct)
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var requests = new ProducePartitionRequest[partitions.Count];
        for (var i = 0; i < requests.Length; i++)
        {
            var (topic, name, partition) = partitions[i];
            requests[i] = new ProducePartitionRequest(topic, name, partition, TransactionMarker.Build(producerId, producerEpoch, coordinatorEpoch, commit, now));
        }

        var results = await AppendRecordsAsync(-1, timeoutMs, requests, AppendOrigin.Coordinator, ct);
        return [.. results.Select(r => r.Error)];
    }

    /// <summary>
    /// Begins KIP-890's verification of the producer's write at this leader (see
    /// <see cref="PartitionLog.BeginTransactionVerification"/>); null when this broker does not lead it.
    /// </summary>
    public object? BeginTransactionVerification(TopicMetadata? topic, int partition, long producerId) =>
        LeaderFor(topic, Guid.Empty, partition, -1, out _)?.Log.BeginTransactionVerification(producerId);

    /// <summary>The producer id and epoch of a payload whose first batch is transactional (not a control batch), else null.</summary>
    public static (long ProducerId, short ProducerEpoch)? TransactionalProducerOf(ReadOnlySpan<byte> records)
    {
        if (records.Length < RecordBatch.HeaderSize) return null;
        var header = BatchHeader.Read(records);
        return header.IsTransactional && !header.IsControl && header.ProducerId >= 0 ? (header.ProducerId, header.ProducerEpoch) : null;
    }

    /// <summary>
    /// Whether the producer already has an open transaction at this leader (so its batch needs no
    /// verification with the coordinator), or null when this broker does not lead the partition.
    /// </summary>
    public bool? HasOpenTransaction(TopicMetadata? topic, int partition, long producerId, short producerEpoch)
    {
        var leader = LeaderFor(topic, Guid.Empty, partition, -1, out _);
        if (leader is null) return null;
        return leader.Log.HasOpenTransaction(producerId, producerEpoch);
    }
}
