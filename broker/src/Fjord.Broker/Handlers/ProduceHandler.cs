using System.Runtime.InteropServices;
using Fjord.Broker.Replication;
using Fjord.Broker.Server;
using Fjord.Protocol;
using Microsoft.Extensions.Logging;

namespace Fjord.Broker.Handlers;

/// <summary>
/// Produce 3–11. Each partition's record batches are validated and appended straight from
/// the connection's receive buffer (offsets and leader epoch stamped in place) on the partition's
/// leader; acks=0 gets no response, acks=1 is answered after the local append, acks=all once the
/// high watermark shows the whole ISR has the batches (Kafka's delayed produce), refusing up front
/// when the ISR is smaller than min.insync.replicas.
/// </summary>
public sealed partial class ProduceHandler(BrokerContext context) : ApiHandler<ProduceRequest, ProduceResponse>
{
    private readonly ILogger _logger = context.Loggers.CreateLogger<ProduceHandler>();

    public override ApiKey ApiKey => ApiKey.Produce;
    public override short MinVersion => 3;
    public override short MaxVersion => 11;

    private readonly record struct PendingCommit(ProduceResponse.PartitionProduceResponse Response, HostedPartition Partition, long RequiredOffset, int LeaderEpoch, int MinInsyncReplicas);

    protected override async ValueTask<ProduceResponse?> HandleAsync(RequestContext request, ProduceRequest body, CancellationToken ct)
    {
        var response = new ProduceResponse();
        var acksValid = body.Acks is 0 or 1 or -1;
        var snapshot = context.Metadata.Current;
        List<PendingCommit>? pending = null;
        foreach (var topicData in body.TopicData)
        {
            var topicResponse = new ProduceResponse.TopicProduceResponse { Name = topicData.Name };
            response.Responses.Add(topicResponse);
            snapshot.TopicsByName.TryGetValue(topicData.Name, out var topic);
            foreach (var partitionData in topicData.PartitionData)
            {
                var partitionResponse = new ProduceResponse.PartitionProduceResponse { Index = partitionData.Index, BaseOffset = -1 };
                topicResponse.PartitionResponses.Add(partitionResponse);
                if (!acksValid)
                {
                    partitionResponse.ErrorCode = (short)ErrorCode.InvalidRequiredAcks;
                    continue;
                }
                if (topic is null || partitionData.Index < 0 || partitionData.Index >= topic.PartitionCount)
                {
                    partitionResponse.ErrorCode = (short)ErrorCode.UnknownTopicOrPartition;
                    continue;
                }
                if (partitionData.Records is not { Length: > 0 } records)
                {
                    partitionResponse.ErrorCode = (short)ErrorCode.InvalidRecord;
                    partitionResponse.ErrorMessage = "Produce request carries no record batches";
                    continue;
                }
                var partition = context.Replicas.GetLeader(topic, partitionData.Index, -1, out var leaderError);
                if (partition is null)
                {
                    partitionResponse.ErrorCode = (short)leaderError;
                    continue;
                }
                try
                {
                    var minIsr = context.Replicas.MinInsyncReplicasFor(topic);
                    // The records are a slice of this connection's own receive buffer; stamping
                    // offsets into it in place avoids copying the batch before it reaches the file.
                    var (result, epoch) = partition.AppendAsLeader(MemoryMarshal.AsMemory(records), body.Acks, minIsr, out var appendError);
                    if (appendError != ErrorCode.None)
                    {
                        partitionResponse.ErrorCode = (short)appendError;
                        continue;
                    }
                    context.Replicas.LogDirFailures.WriteSucceeded(partition.Log);
                    partitionResponse.BaseOffset = result.FirstOffset;
                    partitionResponse.LogAppendTimeMs = result.LogAppendTime;
                    partitionResponse.LogStartOffset = result.LogStartOffset;
                    if (body.Acks == -1)
                        (pending ??= []).Add(new PendingCommit(partitionResponse, partition, result.LastOffset + 1, epoch, minIsr));
                }
                catch (Exception e) when (LogErrors.ToErrorCode(e) != ErrorCode.UnknownServerError)
                {
                    partitionResponse.ErrorCode = (short)LogErrors.ToErrorCode(e);
                    partitionResponse.ErrorMessage = e.Message;
                    if (partitionResponse.ErrorCode == (short)ErrorCode.KafkaStorageError) context.Replicas.LogDirFailures.WriteFailed(partition.Log, e);
                    LogRejected(topicData.Name, partitionData.Index, partitionResponse.ErrorCode, e.Message);
                }
            }
        }
        if (body.Acks == 0)
        {
            // No response can carry the error, so Kafka closes the connection: the producer
            // notices, refreshes its metadata and reconnects.
            request.CloseConnection = response.Responses.Any(t => t.PartitionResponses.Any(p => p.ErrorCode != 0));
            return null;
        }
        if (pending is not null) await AwaitCommitsAsync(pending, body.TimeoutMs, ct);
        return response;
    }

    private async Task AwaitCommitsAsync(List<PendingCommit> pending, int timeoutMs, CancellationToken ct)
    {
        var time = context.Time;
        var deadline = time.GetTimestamp() + (long)(Math.Max(0, timeoutMs) * (time.TimestampFrequency / 1000.0));
        var outcomes = await Task.WhenAll(pending.Select(p => p.Partition.WaitForCommitAsync(p.RequiredOffset, p.LeaderEpoch, p.MinInsyncReplicas, deadline, ct)));
        for (var i = 0; i < pending.Count; i++)
        {
            if (outcomes[i] == ErrorCode.None) continue;
            var partitionResponse = pending[i].Response;
            partitionResponse.ErrorCode = (short)outcomes[i];
            partitionResponse.BaseOffset = -1;
            LogNotCommitted(pending[i].Partition.Key.Topic, pending[i].Partition.Key.Partition, outcomes[i].ToString());
        }
    }

    [LoggerMessage(EventId = 4001, Level = LogLevel.Debug, Message = "Produce to {Topic}-{Partition} rejected with error {ErrorCode}: {Reason}")]
    private partial void LogRejected(string topic, int partition, short errorCode, string reason);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Information, Message = "acks=all produce to {Topic}-{Partition} not committed: {Error}")]
    private partial void LogNotCommitted(string topic, int partition, string error);
}
