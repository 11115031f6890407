using System.Collections.Concurrent;
using Confluent.Kafka;
using Fjord.Testing;

namespace Fjord.Broker.Tests.Security;

/// <summary>What every secured-listener test does: produce records, read them all back through a consumer group, and wait for a client's authentication error.</summary>
public static class SecureRoundTrip
{
    private static readonly TimeSpan ConsumeDeadline = TimeSpan.FromSeconds(60);

    public static List<KeyValuePair<string, string>> Records(int count, string prefix) =>
        Enumerable.Range(0, count).Select(i => new KeyValuePair<string, string>($"{prefix}-key-{i}", $"{prefix}-value-{i}")).ToList();

    public static async Task ProduceAsync(SecureClient client, string topic, IReadOnlyList<KeyValuePair<string, string>> records)
    {
        using var producer = client.Producer();
        var deliveries = await Task.WhenAll(records.Select(r => producer.ProduceAsync(topic, new Message<string, string> { Key = r.Key, Value = r.Value })));
        Assert.All(deliveries, d => Assert.Equal(PersistenceStatus.Persisted, d.Status));
    }

    /// <summary>Joins <paramref name="group"/>, reads until <paramref name="expected"/> records arrived (or the deadline), commits, leaves.</summary>
    public static List<KeyValuePair<string, string>> ConsumeWithGroup(SecureClient client, string topic, string group, int expected)
    {
        using var consumer = client.GroupConsumer(group);
        consumer.Subscribe(topic);
        var received = new List<KeyValuePair<string, string>>();
        var deadline = DateTime.UtcNow + ConsumeDeadline;
        while (received.Count < expected && DateTime.UtcNow < deadline)
        {
            var result = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (result?.Message is { } message)
                received.Add(new KeyValuePair<string, string>(message.Key, message.Value));
        }
        if (received.Count > 0)
        {
            // The group coordinator path (OffsetCommit) over the same listener.
            var committed = consumer.Commit();
            Assert.Equal(expected, committed.Sum(c => c.Offset.Value));
        }
        consumer.Close();
        return received;
    }

    public static async Task RoundTripAsync(SecureClient client, string topic, string group, int count)
    {
        var records = Records(count, topic);
        await ProduceAsync(client, topic, records);
        var received = ConsumeWithGroup(client, topic, group, count);
        Assert.Equal(records.OrderBy(r => r.Key, StringComparer.Ordinal), received.OrderBy(r => r.Key, StringComparer.Ordinal));
    }

    /// <summary>
    /// Starts a producer that sends one record (so it connects) and waits until librdkafka reports an
    /// authentication error; returns that error.
    /// </summary>
    public static async Task<Error> AuthenticationErrorAsync(SecureClient client, string topic, TimeSpan timeout)
    {
        var errors = new ConcurrentQueue<Error>();
        using var producer = client.Producer(errors, messageTimeoutMs: (int)timeout.TotalMilliseconds);
        producer.Produce(topic, new Message<string, string> { Key = "refused", Value = "refused" });
        try
        {
            return await Poll.UntilAsync(() => errors.FirstOrDefault(e => e.Code == ErrorCode.Local_Authentication), timeout,
                $"{client} to report an authentication error");
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message} Errors reported: {string.Join("; ", errors.Select(x => $"{x.Code}: {x.Reason}"))}", e);
        }
    }
}
