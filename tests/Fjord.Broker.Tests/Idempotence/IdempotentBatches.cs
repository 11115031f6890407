using System.Globalization;
using System.Text;
using Fjord.Broker.Tests.Infrastructure;
using Fjord.Broker.Tests.Protocol;
using Fjord.Protocol;
using Fjord.Testing;
using Fjord.Testing.Records;

namespace Fjord.Broker.Tests.Idempotence;

/// <summary>
/// Batches as an idempotent producer sends them (producer id, epoch, base sequence), and the raw
/// produce and offset calls the idempotence tests share.
/// </summary>
public static class IdempotentBatches
{
    /// <summary>The producer id the raw tests use: no InitProducerId needed, the broker must take the batch's word for it.</summary>
    public const long ProducerId = 1000;

    /// <summary>ListOffsets' timestamp for "the log end offset" (Kafka's LATEST_TIMESTAMP).</summary>
    private const long Latest = -1;

    /// <summary>One timestamp for every batch of the test run, so building a batch twice gives the same bytes.</summary>
    private static readonly long BaseTimestamp = DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeMilliseconds();

    /// <summary>
    /// Errors a real producer retries with the very same batch: the partition is moving, or (acks=all)
    /// written but not yet known to be replicated. A retry after them is what deduplication is for.
    /// </summary>
    private static readonly HashSet<short> Retriable =
    [
        (short)ErrorCode.NotLeaderOrFollower,
        (short)ErrorCode.UnknownTopicOrPartition,
        (short)ErrorCode.LeaderNotAvailable,
        (short)ErrorCode.NotEnoughReplicas,
        (short)ErrorCode.NotEnoughReplicasAfterAppend,
        (short)ErrorCode.RequestTimedOut,
    ];

    /// <summary>
    /// <paramref name="records"/> records with sequences baseSequence … baseSequence + records - 1, values
    /// "{tag}-{sequence}". The same arguments build the same bytes: a retry is the same batch.
    /// </summary>
    public static byte[] Build(short epoch, int baseSequence, int records, string tag, long producerId = ProducerId)
    {
        var builder = new RecordBatchBuilder(BaseTimestamp)
            .WithProducer(producerId, epoch, baseSequence);
        for (var i = 0; i < records; i++)
            builder.Add(null, Encoding.UTF8.GetBytes($"{tag}-{(baseSequence + i).ToString(CultureInfo.InvariantCulture)}"));
        return builder.Build();
    }

    /// <summary>The partition's log end offset as its leader answers ListOffsets LATEST.</summary>
    public static async Task<long> LogEndOffsetAsync(RawKafkaClient client, string topic, int partition)
    {
        var latest = await RawScenario.ListOffsetAsync(client, topic, partition, Latest);
        Assert.True(latest.ErrorCode == 0, $"ListOffsets latest on {topic}-{partition}: error {latest.ErrorCode}");
        return latest.Offset;
    }

    /// <summary>Polls a broker until it leads the partition (ListOffsets answers without error) or the deadline passes.</summary>
    public static Task WaitUntilLeaderAsync(string bootstrap, string topic, int partition, TimeSpan timeout) =>
        Poll.UntilAsync(async () =>
        {
            try
            {
                await using var client = await RawKafkaClient.ConnectAsync(bootstrap);
                var latest = await RawScenario.ListOffsetAsync(client, topic, partition, Latest);
                return latest.ErrorCode == 0;
            }
            catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or OperationCanceledException)
            {
                return false;
            }
        }, timeout, $"{bootstrap} to lead {topic}-{partition}");

    /// <summary>
    /// Sends <paramref name="batch"/> until an answer that is not retriable, on a new connection each time,
    /// as a producer does after a failover; returns that answer.
    /// </summary>
    public static async Task<ProduceResponse.PartitionProduceResponse> ProduceWithRetriesAsync(string bootstrap, string topic, int partition, byte[] batch,
        TimeSpan timeout)
    {
        ProduceResponse.PartitionProduceResponse? answer = null;
        await Poll.UntilAsync(async () =>
        {
            try
            {
                await using var client = await RawKafkaClient.ConnectAsync(bootstrap);
                answer = await RawScenario.ProduceAsync(client, topic, partition, batch);
                return !Retriable.Contains(answer.ErrorCode);
            }
            catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or OperationCanceledException)
            {
                return false;
            }
        }, timeout, $"a produce to {topic}-{partition} on {bootstrap} answered without a retriable error");
        return answer!;
    }
}
