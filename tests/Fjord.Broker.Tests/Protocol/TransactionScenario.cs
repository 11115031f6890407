using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Fjord.Broker.Tests.Infrastructure;
using Fjord.Protocol;
using Fjord.Testing;
using Fjord.Testing.Records;

namespace Fjord.Broker.Tests.Protocol;

/// <summary>
/// The steps of a transaction the raw-protocol transaction tests share, each done at a fixed version
/// (so a test of another version exercises only the version under test) and each asserting its success.
/// </summary>
public static class TransactionScenario
{
    /// <summary>The transactional attribute bit of a v2 batch (Kafka's RecordBatch.TRANSACTIONAL_FLAG_MASK).</summary>
    public const short TransactionalFlag = 0x10;

    public const int TransactionTimeoutMs = 60_000;

    /// <summary>The client form of AddPartitionsToTxn and the last EndTxn that does not bump the epoch.</summary>
    public const short ClientAddPartitions = 3;
    public const short EndWithoutBump = 4;

    private static readonly TimeSpan CoordinatorTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Answers a client retries while the controller creates and places `__transaction_state`.</summary>
    private static readonly HashSet<short> CoordinatorLoading =
    [
        (short)ErrorCode.CoordinatorNotAvailable,
        (short)ErrorCode.CoordinatorLoadInProgress,
        (short)ErrorCode.NotCoordinator,
    ];

    private static readonly long BaseTimestamp = DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeMilliseconds();

    public static string NewTransactionalId(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..10];

    public static bool IsCoordinatorLoading(short error) => CoordinatorLoading.Contains(error);

    /// <summary>
    /// <paramref name="records"/> records of a transactional producer: the batch is built as an idempotent one and
    /// the transactional bit set, the CRC recomputed since it covers the attributes.
    /// </summary>
    public static byte[] TransactionalBatch(long producerId, short epoch, int baseSequence, int records, string tag)
    {
        var builder = new RecordBatchBuilder(BaseTimestamp).WithProducer(producerId, epoch, baseSequence);
        for (var i = 0; i < records; i++)
            builder.Add(null, Encoding.UTF8.GetBytes($"{tag}-{(baseSequence + i).ToString(CultureInfo.InvariantCulture)}"));
        var batch = builder.Build();
        BinaryPrimitives.WriteInt16BigEndian(batch.AsSpan(RecordBatchBuilder.AttributesOffset), TransactionalFlag);
        BinaryPrimitives.WriteUInt32BigEndian(batch.AsSpan(RecordBatchBuilder.CrcOffset), RecordBatchBuilder.ComputeCrc(batch));
        return batch;
    }

    /// <summary>InitProducerId at <paramref name="version"/>, retried only while the transaction coordinator is not ready.</summary>
    public static async Task<InitProducerIdResponse> InitProducerIdAsync(RawKafkaClient client, string transactionalId, short version = 5,
        long producerId = -1, short producerEpoch = -1, int transactionTimeoutMs = TransactionTimeoutMs)
    {
        InitProducerIdResponse? response = null;
        await Poll.UntilAsync(async () =>
        {
            response = await client.SendAsync<InitProducerIdResponse>(new InitProducerIdRequest
            {
                TransactionalId = transactionalId,
                TransactionTimeoutMs = transactionTimeoutMs,
                ProducerId = producerId,
                ProducerEpoch = producerEpoch,
            }, version);
            return !IsCoordinatorLoading(response.ErrorCode);
        }, CoordinatorTimeout, $"the transaction coordinator of {transactionalId} to answer InitProducerId");
        return response!;
    }

    /// <summary>A fresh transactional producer: its id and epoch.</summary>
    public static async Task<(long ProducerId, short Epoch)> InitAsync(RawKafkaClient client, string transactionalId)
    {
        var response = await InitProducerIdAsync(client, transactionalId);
        Assert.True(response.ErrorCode == 0, $"InitProducerId {transactionalId}: error {response.ErrorCode}");
        return (response.ProducerId, response.ProducerEpoch);
    }

    public static AddPartitionsToTxnRequest AddPartitionsRequest(string transactionalId, long producerId, short epoch, string topic, params int[] partitions) => new()
    {
        V3AndBelowTransactionalId = transactionalId,
        V3AndBelowProducerId = producerId,
        V3AndBelowProducerEpoch = epoch,
        V3AndBelowTopics = [new AddPartitionsToTxnRequest.AddPartitionsToTxnTopic { Name = topic, Partitions = [.. partitions] }],
    };

    /// <summary>The partition results of a client-form (v0–3) AddPartitionsToTxn, by (topic, partition).</summary>
    public static async Task<Dictionary<(string Topic, int Partition), short>> AddPartitionsAsync(RawKafkaClient client, AddPartitionsToTxnRequest request,
        short version = ClientAddPartitions)
    {
        var response = await client.SendAsync<AddPartitionsToTxnResponse>(request, version);
        return response.ResultsByTopicV3AndBelow
            .SelectMany(t => t.ResultsByPartition.Select(p => (Key: (t.Name, p.PartitionIndex), p.PartitionErrorCode)))
            .ToDictionary(x => x.Key, x => x.PartitionErrorCode);
    }

    public static async Task AddPartitionsOkAsync(RawKafkaClient client, string transactionalId, long producerId, short epoch, string topic, params int[] partitions)
    {
        var results = await AddPartitionsAsync(client, AddPartitionsRequest(transactionalId, producerId, epoch, topic, partitions));
        Assert.Equal(partitions.Length, results.Count);
        Assert.All(results, r => Assert.True(r.Value == 0, $"AddPartitionsToTxn {transactionalId} {r.Key}: error {r.Value}"));
    }

    /// <summary>A transactional produce (the request names the transactional id); returns the partition's answer.</summary>
    public static async Task<ProduceResponse.PartitionProduceResponse> ProduceAsync(RawKafkaClient client, string transactionalId, string topic, int partition,
        byte[] batch, short version = 11)
    {
        var request = RawScenario.ProduceRequestFor(topic, partition, batch);
        request.TransactionalId = transactionalId;
        var response = await client.SendAsync<ProduceResponse>(request, version);
        return Assert.Single(Assert.Single(response.Responses).PartitionResponses);
    }

    public static async Task<long> ProduceOkAsync(RawKafkaClient client, string transactionalId, string topic, int partition, byte[] batch)
    {
        var answer = await ProduceAsync(client, transactionalId, topic, partition, batch);
        Assert.True(answer.ErrorCode == 0, $"transactional produce to {topic}-{partition}: error {answer.ErrorCode} {answer.ErrorMessage}");
        return answer.BaseOffset;
    }

    public static async Task<EndTxnResponse> EndAsync(RawKafkaClient client, string transactionalId, long producerId, short epoch, bool commit,
        short version = EndWithoutBump) =>
        await client.SendAsync<EndTxnResponse>(new EndTxnRequest
        {
            TransactionalId = transactionalId,
            ProducerId = producerId,
            ProducerEpoch = epoch,
            Committed = commit,
        }, version);

    public static async Task<DescribeTransactionsResponse.TransactionStateData> DescribeTransactionAsync(RawKafkaClient client, string transactionalId)
    {
        var response = await client.SendAsync<DescribeTransactionsResponse>(new DescribeTransactionsRequest { TransactionalIds = [transactionalId] }, 0);
        var state = Assert.Single(response.TransactionStates);
        Assert.Equal(transactionalId, state.TransactionalId);
        return state;
    }

    /// <summary>Polls DescribeTransactions until the transaction is in <paramref name="state"/> (markers complete asynchronously).</summary>
    public static async Task<DescribeTransactionsResponse.TransactionStateData> WaitForStateAsync(RawKafkaClient client, string transactionalId, string state)
    {
        DescribeTransactionsResponse.TransactionStateData? last = null;
        try
        {
            await Poll.UntilAsync(async () =>
            {
                last = await DescribeTransactionAsync(client, transactionalId);
                return last.ErrorCode == 0 && last.TransactionState == state;
            }, CoordinatorTimeout, $"{transactionalId} to reach {state}");
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message} Last seen: error {last?.ErrorCode}, state {last?.TransactionState}.", e);
        }
        return last!;
    }

    /// <summary>A read_committed (or read_uncommitted) fetch of one partition from <paramref name="offset"/>.</summary>
    public static async Task<FetchResponse.PartitionData> FetchAsync(RawKafkaClient client, string topic, Guid topicId, int partition, long offset,
        sbyte isolationLevel, short version = 17)
    {
        var request = new FetchRequest { MaxWaitMs = 0, MinBytes = 1, MaxBytes = 4 * 1024 * 1024, IsolationLevel = isolationLevel };
        var fetchTopic = new FetchRequest.FetchTopic { Topic = version >= 13 ? "" : topic, TopicId = version >= 13 ? topicId : Guid.Empty };
        fetchTopic.Partitions.Add(new FetchRequest.FetchPartition { Partition = partition, FetchOffset = offset, PartitionMaxBytes = 1024 * 1024 });
        request.Topics.Add(fetchTopic);
        var response = await client.SendAsync<FetchResponse>(request, version);
        Assert.Equal(0, response.ErrorCode);
        var data = Assert.Single(Assert.Single(response.Responses).Partitions);
        Assert.True(data.ErrorCode == 0, $"fetch {topic}-{partition} at v{version}: error {data.ErrorCode}");
        return data;
    }

    /// <summary>ListOffsets LATEST at the given isolation level: the high watermark (0) or the last stable offset (1).</summary>
    public static async Task<long> LatestOffsetAsync(RawKafkaClient client, string topic, int partition, sbyte isolationLevel)
    {
        var request = new ListOffsetsRequest { ReplicaId = -1, IsolationLevel = isolationLevel };
        var t = new ListOffsetsRequest.ListOffsetsTopic { Name = topic };
        t.Partitions.Add(new ListOffsetsRequest.ListOffsetsPartition { PartitionIndex = partition, Timestamp = -1, CurrentLeaderEpoch = -1 });
        request.Topics.Add(t);
        var answer = Assert.Single(Assert.Single((await client.SendAsync<ListOffsetsResponse>(request, 10)).Topics).Partitions);
        Assert.True(answer.ErrorCode == 0, $"ListOffsets {topic}-{partition} isolation {isolationLevel}: error {answer.ErrorCode}");
        return answer.Offset;
    }

    /// <summary>(base offset, last offset) of each batch in a fetched record set.</summary>
    public static List<(long Base, long Last, bool Control)> Batches(ReadOnlyMemory<byte>? records)
    {
        var batches = new List<(long, long, bool)>();
        if (records is not { } bytes) return batches;
        var span = bytes.Span;
        var position = 0;
        while (position + RecordBatchBuilder.LogOverhead <= span.Length)
        {
            var baseOffset = BinaryPrimitives.ReadInt64BigEndian(span[position..]);
            var length = BinaryPrimitives.ReadInt32BigEndian(span[(position + 8)..]);
            if (position + RecordBatchBuilder.LogOverhead + length > span.Length) break;
            var attributes = BinaryPrimitives.ReadInt16BigEndian(span[(position + RecordBatchBuilder.AttributesOffset)..]);
            var lastDelta = BinaryPrimitives.ReadInt32BigEndian(span[(position + 23)..]);
            batches.Add((baseOffset, baseOffset + lastDelta, (attributes & 0x20) != 0));
            position += RecordBatchBuilder.LogOverhead + length;
        }
        return batches;
    }
}
