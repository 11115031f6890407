using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Confluent.Kafka;

namespace Fjord.Broker.Tests.Quotas;

/// <summary>
/// Drives a client harder than its quota for a warm-up and then a measured window, and counts only what the broker
/// let through inside that window. The warm-up has to outlast the first sample window: a quota's sensor divides by
/// at least (quota.window.num − 1) windows, so a new client's first ten seconds' worth arrives in a burst and is paid
/// for afterwards; only once that is behind it does the rate settle at the quota.
/// </summary>
internal static class QuotaLoad
{
    /// <summary>What a paced producer got through.</summary>
    /// <param name="AckedBytes">Value bytes of the records acked inside the measured window.</param>
    /// <param name="OfferedBytes">Value bytes handed to the producer over the whole run.</param>
    /// <param name="Failures">Delivery reports with an error, and records still undelivered after the final flush.</param>
    public sealed record ProduceResult(long AckedBytes, long OfferedBytes, int Failures);

    /// <summary>
    /// Offers <paramref name="bytesPerSecond"/> of <paramref name="recordBytes"/>-byte records to the partitions given
    /// (round robin) for <paramref name="warmUp"/> + <paramref name="window"/>, then waits for every delivery report.
    /// A pacing loop, not a free-running one: the offered rate stays what the test says even on an idle machine, and
    /// a producer held back by its full queue does not make up the lost time in a burst afterwards.
    /// </summary>
    public static ProduceResult ProducePaced(IProducer<byte[], byte[]> producer, IReadOnlyList<TopicPartition> partitions, int recordBytes,
        double bytesPerSecond, TimeSpan warmUp, TimeSpan window)
    {
        var value = new byte[recordBytes];
        var message = new Message<byte[], byte[]> { Value = value };
        var failures = 0;
        long acked = 0, offered = 0;
        var end = warmUp + window;
        var clock = Stopwatch.StartNew();
        void OnDelivery(DeliveryReport<byte[], byte[]> report)
        {
            if (report.Error.IsError)
            {
                Interlocked.Increment(ref failures);
                return;
            }
            var at = clock.Elapsed;
            if (at >= warmUp && at < end) Interlocked.Add(ref acked, recordBytes);
        }

        var next = 0;
        // At most 100 ms of lag is owed: what a full queue held back is forgone, not sent in a catch-up burst.
        var maxDebt = bytesPerSecond / 10;
        while (clock.Elapsed < end)
        {
            var due = bytesPerSecond * clock.Elapsed.TotalSeconds;
            if (due - offered > maxDebt) offered = (long)(due - maxDebt);
            if (offered + recordBytes > due)
            {
                producer.Poll(TimeSpan.FromMilliseconds(1));
                continue;
            }
            try
            {
                producer.Produce(partitions[next], message, OnDelivery);
                next = (next + 1) % partitions.Count;
                offered += recordBytes;
            }
            catch (ProduceException<byte[], byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
            {
                producer.Poll(TimeSpan.FromMilliseconds(5));
            }
        }
        var left = producer.Flush(TimeSpan.FromSeconds(60));
        return new ProduceResult(Interlocked.Read(ref acked), offered, Volatile.Read(ref failures) + left);
    }

    /// <summary>A statistics handler keeping the largest throttle time reported for any broker.</summary>
    public static Action<IClient, string> ThrottleRecorder(StrongBox<long> max) => (_, json) =>
    {
        var seen = MaxThrottle(json);
        long current;
        while (seen > (current = Interlocked.Read(ref max.Value)) && Interlocked.CompareExchange(ref max.Value, seen, current) != current)
        {
        }
    };

    /// <summary>The largest throttle any broker reported in one librdkafka statistics document.</summary>
    public static long MaxThrottle(string json)
    {
        using var document = JsonDocument.Parse(json);
        var max = 0L;
        foreach (var broker in document.RootElement.GetProperty("brokers").EnumerateObject())
            if (broker.Value.TryGetProperty("throttle", out var throttle) && throttle.TryGetProperty("max", out var value))
                max = Math.Max(max, value.GetInt64());
        return max;
    }

    /// <summary>Within ±15% of the quota: the bound every byte-rate test holds its measured rate to.</summary>
    public static bool WithinTolerance(double rate, double quota) => rate >= quota * 0.85 && rate <= quota * 1.15;
}
