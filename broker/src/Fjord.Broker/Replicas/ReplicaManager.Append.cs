using Fjord.Broker.Partitions;
using Fjord.Broker.Produce;
using Fjord.Log;
using Fjord.Protocol;
using Microsoft.Extensions.Logging;

namespace Fjord.Broker.Replicas;

public sealed partial class ReplicaManager
{
    /// <summary>
    /// Kafka's appendRecords: validates and appends each partition's batches on its leader (offsets and
    /// leader epoch stamped in place), answering acks=1 after the local append and acks=all once every
    /// written partition's high watermark covers its batches — waiting in the produce purgatory, not in a
    /// loop — or with the error Kafka's delayed produce gives: NOT_LEADER_OR_FOLLOWER when leadership
    /// moved, NOT_ENOUGH_REPLICAS_AFTER_APPEND when the ISR shrank below min.insync.replicas,
    /// REQUEST_TIMED_OUT at the deadline. acks=all is refused up front below min.insync.replicas.
    /// </summary>
    public ValueTask<ProducePartitionResult[]> AppendRecordsAsync(short acks, int timeoutMs, IReadOnlyList<ProducePartitionRequest> partitions, CancellationToken ct) =>
        AppendRecordsAsync(acks, timeoutMs, partitions, AppendOrigin.Client, ct);

    /// <summary>
    /// <see cref="AppendRecordsAsync(short, int, IReadOnlyList{ProducePartitionRequest}, CancellationToken)"/> for
    /// a given origin: a transaction coordinator's markers skip the client checks (and may be control batches).
    /// </summary>
    private async ValueTask<ProducePartitionResult[]> AppendRecordsAsync(short acks, int timeoutMs, IReadOnlyList<ProducePartitionRequest> partitions, AppendOrigin origin, CancellationToken ct)
    {
        var results = new ProducePartitionResult[partitions.Count];
        List<PendingCommit>? pending = null;
        for (var i = 0; i < results.Length; i++)
        {
            if (partitions[i].Rejection is { } rejection)
            {
                results[i] = ProducePartitionResult.Failed(rejection.Error, rejection.Message);
                continue;
            }

            results[i] = AppendToLeader(acks, partitions[i], origin, out var commit);
            if (commit is not null) (pending ??= []).Add(commit);
        }
        if (pending is null) return results;

        var deadline = _time.GetTimestamp() + (long)(Math.Max(0, timeoutMs) * (_time.TimestampFrequency / 1000.0));
        var delayed = new DelayedProduce(deadline, pending);
        if (!_producePurgatory.TryCompleteElseWatch(delayed, delayed.Partitions))
            await delayed.Completion.WaitAsync(ct);
        foreach (var commit in pending)
        {
            var outcome = commit.Partition.CommitOutcome(commit.RequiredOffset, commit.LeaderEpoch, commit.MinInsyncReplicas);
            if (outcome == ErrorCode.None) continue;
            commit.Result.Error = outcome;
            commit.Result.BaseOffset = -1;
            LogNotCommitted(commit.Partition.Key.Topic, commit.Partition.Key.Partition, outcome.ToString());
        }
        return results;
    }

    private ProducePartitionResult AppendToLeader(short acks, ProducePartitionRequest request, AppendOrigin origin, out PendingCommit? commit)
    {
        commit = null;
        if (acks is not (0 or 1 or -1)) return ProducePartitionResult.Failed(ErrorCode.InvalidRequiredAcks);
        if (request.Topic is not { } topic || request.Partition < 0 || request.Partition >= topic.PartitionCount)
            return ProducePartitionResult.Failed(ErrorCode.UnknownTopicOrPartition);
        if (request.Records.IsEmpty)
            return ProducePartitionResult.Failed(ErrorCode.InvalidRecord, "Produce request carries no record batches");
        var partition = GetLeader(topic, request.Partition, -1, out var leaderError);
        if (partition is null) return ProducePartitionResult.Failed(leaderError);
        try
        {
            var minIsr = MinInsyncReplicasFor(topic);
            var (appended, epoch) = partition.AppendAsLeader(request.Records, acks, minIsr, origin, request.VerificationGuard, out var appendError);
            if (appendError != ErrorCode.None) return ProducePartitionResult.Failed(appendError);
            LogDirFailures.WriteSucceeded(partition.Log);
            // Kafka's BytesIn counts what clients send; markers and replication are not produce traffic.
            if (origin == AppendOrigin.Client && !appended.IsDuplicate) _topicMetrics?.RecordProduced(topic.Name, request.Records.Length, appended.RecordCount);
            var result = new ProducePartitionResult
            {
                BaseOffset = appended.FirstOffset,
                LogAppendTime = appended.LogAppendTime,
                LogStartOffset = appended.LogStartOffset,
            };
            if (acks == -1) commit = new PendingCommit(result, partition, appended.LastOffset + 1, epoch, minIsr);
            return result;
        }
        catch (Exception e) when (LogErrors.ToErrorCode(e) != ErrorCode.UnknownServerError)
        {
            var error = LogErrors.ToErrorCode(e);
            if (error == ErrorCode.KafkaStorageError) LogDirFailures.WriteFailed(partition.Log, e);
            LogAppendRejected(request.TopicName, request.Partition, (short)error, e.Message);
            return ProducePartitionResult.Failed(error, e.Message);
        }
    }

    [LoggerMessage(EventId = 4001, Level = LogLevel.Debug, Message = "Produce to {Topic}-{Partition} rejected with error {ErrorCode}: {Reason}")]
    private partial void LogAppendRejected(string topic, int partition, short errorCode, string reason);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Information, Message = "acks=all produce to {Topic}-{Partition} not committed: {Error}")]
    private partial void LogNotCommitted(string topic, int partition, string error);
}
