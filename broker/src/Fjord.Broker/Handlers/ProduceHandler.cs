using System.Runtime.InteropServices;
using Fjord.Broker.Server;
using Fjord.Protocol;
using Microsoft.Extensions.Logging;

namespace Fjord.Broker.Handlers;

/// <summary>
/// Produce 3–11. Each partition's record batches are validated and appended straight from
/// the connection's receive buffer (offsets and leader epoch stamped in place); acks=0 gets
/// no response, acks=1 and acks=all are answered once the local append is done, which on a
/// single replica is the whole in-sync replica set.
/// </summary>
public sealed partial class ProduceHandler(BrokerContext context) : ApiHandler<ProduceRequest, ProduceResponse>
{
    private readonly ILogger _logger = context.Loggers.CreateLogger<ProduceHandler>();

    public override ApiKey ApiKey => ApiKey.Produce;
    public override short MinVersion => 3;
    public override short MaxVersion => 11;

    protected override ValueTask<ProduceResponse?> HandleAsync(RequestContext request, ProduceRequest body, CancellationToken ct)
    {
        var response = new ProduceResponse();
        var acksValid = body.Acks is 0 or 1 or -1;
        var snapshot = context.Metadata.Current;
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
                try
                {
                    var log = context.Replicas.GetOrCreateLog(topic, partitionData.Index);
                    // The records are a slice of this connection's own receive buffer; stamping
                    // offsets into it in place avoids copying the batch before it reaches the file.
                    var result = log.AppendAsLeader(MemoryMarshal.AsMemory(records), ReplicaManager.LeaderEpoch);
                    // A single replica is the whole ISR: the write is committed once appended.
                    context.Replicas.AdvanceHighWatermark(log, log.LogEndOffset);
                    partitionResponse.BaseOffset = result.FirstOffset;
                    partitionResponse.LogAppendTimeMs = result.LogAppendTime;
                    partitionResponse.LogStartOffset = result.LogStartOffset;
                }
                catch (Exception e) when (LogErrors.ToErrorCode(e) != ErrorCode.UnknownServerError)
                {
                    partitionResponse.ErrorCode = (short)LogErrors.ToErrorCode(e);
                    partitionResponse.ErrorMessage = e.Message;
                    LogRejected(topicData.Name, partitionData.Index, partitionResponse.ErrorCode, e.Message);
                }
            }
        }
        if (body.Acks == 0)
        {
            // No response can carry the error, so Kafka closes the connection: the producer
            // notices, refreshes its metadata and reconnects.
            request.CloseConnection = response.Responses.Any(t => t.PartitionResponses.Any(p => p.ErrorCode != 0));
            return ValueTask.FromResult<ProduceResponse?>(null);
        }
        return ValueTask.FromResult<ProduceResponse?>(response);
    }

    [LoggerMessage(EventId = 4001, Level = LogLevel.Debug, Message = "Produce to {Topic}-{Partition} rejected with error {ErrorCode}: {Reason}")]
    private partial void LogRejected(string topic, int partition, short errorCode, string reason);
}
