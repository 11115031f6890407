using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Fjord.ControlPlane.Tests.EndToEnd;

/// <summary>
/// One try of a Kafka operation that a test polls until the brokers have applied what the control plane wrote (a
/// user, an ACL, a revocation): false or null while refused, never an exception.
/// </summary>
internal static class KafkaAttempts
{
    /// <summary>Creates a one-partition topic; an existing one counts as created.</summary>
    public static async Task<bool> CreateTopicAsync(IAdminClient admin, string topic)
    {
        try
        {
            await admin.CreateTopicsAsync([new TopicSpecification { Name = topic, NumPartitions = 1, ReplicationFactor = 1 }]);
            return true;
        }
        catch (CreateTopicsException e) when (e.Results.All(r => r.Error.Code == ErrorCode.TopicAlreadyExists))
        {
            return true;
        }
        catch (KafkaException)
        {
            return false;
        }
    }

    public static async Task<bool> ProduceAsync(IProducer<string, string> producer, string topic)
    {
        try
        {
            await producer.ProduceAsync(topic, new Message<string, string> { Key = "k", Value = "v" });
            return true;
        }
        catch (ProduceException<string, string>)
        {
            return false;
        }
    }

    /// <summary>One poll of half a second: the record, or null when there was none or the poll was refused.</summary>
    public static ConsumeResult<string, string>? Consume(IConsumer<string, string> consumer)
    {
        try
        {
            return consumer.Consume(TimeSpan.FromMilliseconds(500));
        }
        catch (ConsumeException)
        {
            return null;
        }
    }
}
