using System.Runtime.InteropServices;
using Fjord.Broker.Network;
using Fjord.Broker.Partitions;
using Fjord.Broker.Produce;
using Fjord.Broker.Replicas;
using Fjord.Cluster;
using Fjord.Protocol;

namespace Fjord.Broker.Handlers;

/// <summary>
/// Produce 3–11: the replica manager appends each partition's batches on its leader and answers
/// acks=1 after the local append, acks=all once committed; acks=0 gets no response.
/// </summary>
public sealed class ProduceHandler(MetadataCache metadata, ReplicaManager replicas) : ApiHandler<ProduceRequest, ProduceResponse>
{
    public override ApiKey ApiKey => ApiKey.Produce;
    public override short MinVersion => 3;
    public override short MaxVersion => 11;

    protected override async ValueTask<ProduceResponse?> HandleAsync(RequestContext request, ProduceRequest body, CancellationToken ct)
    {
        var snapshot = metadata.Current;
        var partitions = new List<ProducePartitionRequest>();
        foreach (var topic in body.TopicData)
        {
            snapshot.TopicsByName.TryGetValue(topic.Name, out var metadata);
            // The records are a slice of this connection's own receive buffer: the append stamps them in place.
            foreach (var partition in topic.PartitionData)
                partitions.Add(new ProducePartitionRequest(metadata, topic.Name, partition.Index, MemoryMarshal.AsMemory(partition.Records ?? ReadOnlyMemory<byte>.Empty)));
        }
        var results = await replicas.AppendRecordsAsync(body.Acks, body.TimeoutMs, partitions, ct);
        if (body.Acks == 0)
        {
            // No response can carry the error, so Kafka closes the connection: the producer
            // notices, refreshes its metadata and reconnects.
            request.CloseConnection = results.Any(r => r.Error != ErrorCode.None);
            return null;
        }
        return BuildResponse(body, results);
    }

    private static ProduceResponse BuildResponse(ProduceRequest body, ProducePartitionResult[] results)
    {
        var response = new ProduceResponse();
        var i = 0;
        foreach (var topic in body.TopicData)
        {
            var topicResponse = new ProduceResponse.TopicProduceResponse { Name = topic.Name };
            response.Responses.Add(topicResponse);
            foreach (var partition in topic.PartitionData)
            {
                var result = results[i++];
                topicResponse.PartitionResponses.Add(new ProduceResponse.PartitionProduceResponse
                {
                    Index = partition.Index,
                    ErrorCode = (short)result.Error,
                    ErrorMessage = result.ErrorMessage,
                    BaseOffset = result.BaseOffset,
                    LogAppendTimeMs = result.LogAppendTime,
                    LogStartOffset = result.LogStartOffset,
                });
            }
        }
        return response;
    }
}
