using System.Diagnostics.Metrics;

namespace Fjord.Broker.Observability;

/// <summary>
/// Kafka's BrokerTopicMetrics: bytes and messages in (client produce) and bytes out (consumer fetch) per topic.
/// Recorded once per partition of a request, never per record; the one-tag overloads allocate nothing.
/// Topics are the stored names, so a tenant's topic shows with its tenant prefix (<c>acme.orders</c>).
/// </summary>
public sealed class BrokerTopicMetrics
{
    public const string BytesIn = "kafka.server.brokertopicmetrics.bytes_in";
    public const string BytesOut = "kafka.server.brokertopicmetrics.bytes_out";
    public const string MessagesIn = "kafka.server.brokertopicmetrics.messages_in";
    public const string TopicTag = "topic";

    private readonly Counter<long> _bytesIn;
    private readonly Counter<long> _bytesOut;
    private readonly Counter<long> _messagesIn;

    public BrokerTopicMetrics(Meter meter)
    {
        ArgumentNullException.ThrowIfNull(meter);
        _bytesIn = meter.CreateCounter<long>(BytesIn, "By", "Bytes of record batches clients produced to the topic (Kafka's BytesInPerSec)");
        _bytesOut = meter.CreateCounter<long>(BytesOut, "By", "Bytes of record batches consumers fetched from the topic (Kafka's BytesOutPerSec)");
        _messagesIn = meter.CreateCounter<long>(MessagesIn, "{message}", "Records clients produced to the topic (Kafka's MessagesInPerSec)");
    }

    /// <summary>One partition's batches appended for a client.</summary>
    public void RecordProduced(string topic, int bytes, int records)
    {
        var tag = new KeyValuePair<string, object?>(TopicTag, topic);
        _bytesIn.Add(bytes, tag);
        _messagesIn.Add(records, tag);
    }

    /// <summary>One partition's records going to a consumer (follower fetches are replication, not bytes out).</summary>
    public void RecordFetched(string topic, int bytes)
    {
        if (bytes > 0) _bytesOut.Add(bytes, new KeyValuePair<string, object?>(TopicTag, topic));
    }
}
