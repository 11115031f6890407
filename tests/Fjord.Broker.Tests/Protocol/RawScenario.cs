using System.Buffers.Binary;
using Fjord.Broker.Tests.Infrastructure;
using Fjord.Protocol;
using Fjord.Testing;

namespace Fjord.Broker.Tests.Protocol;

/// <summary>
/// The setup steps protocol tests share, each done at the newest version (so a test of an
/// older version exercises only the version under test) and each asserting its own success.
/// </summary>
public static class RawScenario
{
    public static async Task<Guid> CreateTopicAsync(RawKafkaClient client, string name, int partitions = 1, IReadOnlyDictionary<string, string>? configs = null)
    {
        var topic = new CreateTopicsRequest.CreatableTopic { Name = name, NumPartitions = partitions, ReplicationFactor = 1 };
        foreach (var (key, value) in configs ?? new Dictionary<string, string>())
            topic.Configs.Add(new CreateTopicsRequest.CreatableTopicConfig { Name = key, Value = value });
        var request = new CreateTopicsRequest { TimeoutMs = 30_000 };
        request.Topics.Add(topic);
        var response = await client.SendAsync<CreateTopicsResponse>(request, 7);
        var result = Assert.Single(response.Topics);
        Assert.True(result.ErrorCode == 0, $"creating {name}: error {result.ErrorCode} {result.ErrorMessage}");
        return result.TopicId;
    }

    public static ProduceRequest ProduceRequestFor(string topic, int partition, ReadOnlyMemory<byte> records, short acks = -1)
    {
        var data = new ProduceRequest.TopicProduceData { Name = topic };
        data.PartitionData.Add(new ProduceRequest.PartitionProduceData { Index = partition, Records = records });
        var request = new ProduceRequest { Acks = acks, TimeoutMs = 30_000 };
        request.TopicData.Add(data);
        return request;
    }

    public static async Task<ProduceResponse.PartitionProduceResponse> ProduceAsync(RawKafkaClient client, string topic, int partition,
        byte[] records, short version = 11)
    {
        var response = await client.SendAsync<ProduceResponse>(ProduceRequestFor(topic, partition, records), version);
        var topicResponse = Assert.Single(response.Responses);
        Assert.Equal(topic, topicResponse.Name);
        return Assert.Single(topicResponse.PartitionResponses);
    }

    /// <summary>Produces and insists it worked; returns the assigned base offset.</summary>
    public static async Task<long> AppendAsync(RawKafkaClient client, string topic, int partition, byte[] records)
    {
        var result = await ProduceAsync(client, topic, partition, records);
        Assert.True(result.ErrorCode == 0, $"produce to {topic}-{partition}: error {result.ErrorCode} {result.ErrorMessage}");
        return result.BaseOffset;
    }

    public static async Task<ListOffsetsResponse.ListOffsetsPartitionResponse> ListOffsetAsync(RawKafkaClient client, string topic, int partition,
        long timestamp, short version = 10)
    {
        var request = new ListOffsetsRequest { ReplicaId = -1 };
        var t = new ListOffsetsRequest.ListOffsetsTopic { Name = topic };
        t.Partitions.Add(new ListOffsetsRequest.ListOffsetsPartition { PartitionIndex = partition, Timestamp = timestamp, CurrentLeaderEpoch = -1 });
        request.Topics.Add(t);
        var response = await client.SendAsync<ListOffsetsResponse>(request, version);
        var topicResponse = Assert.Single(response.Topics);
        return Assert.Single(topicResponse.Partitions);
    }

    /// <summary>The partition's log end offset, read from the broker's own log rather than over the wire.</summary>
    public static long LogEndOffset(FjordTestCluster host, string topic, int partition)
    {
        var hosted = host.InProcess().Replicas.GetHosted(topic, partition)
            ?? throw new InvalidOperationException($"broker hosts no replica of {topic}-{partition}");
        return hosted.Log.LogEndOffset;
    }

    /// <summary>The batch as the leader stores it: base offset assigned, leader epoch stamped, nothing else touched.</summary>
    public static byte[] AsStored(byte[] batch, long baseOffset, int leaderEpoch = 0)
    {
        var stored = (byte[])batch.Clone();
        BinaryPrimitives.WriteInt64BigEndian(stored, baseOffset);
        BinaryPrimitives.WriteInt32BigEndian(stored.AsSpan(Fjord.Testing.Records.RecordBatchBuilder.PartitionLeaderEpochOffset), leaderEpoch);
        return stored;
    }

    /// <summary>A bystander's request that must still be answered after an attack on another connection.</summary>
    public static async Task AssertServedAsync(RawKafkaClient client)
    {
        var response = await client.SendAsync<ApiVersionsResponse>(new ApiVersionsRequest { ClientSoftwareName = "bystander", ClientSoftwareVersion = "1" }, 3,
            TimeSpan.FromSeconds(15));
        Assert.Equal(0, response.ErrorCode);
        Assert.Contains(response.ApiKeys, k => k.ApiKey == (short)ApiKey.Produce);
    }
}
