using System.Collections.Concurrent;
using Confluent.Kafka;

namespace Fjord.Broker.Tests.Security;

/// <summary>
/// How a Confluent.Kafka client reaches one secured listener: its security settings and, for OAUTHBEARER,
/// the token its refresh handler hands to librdkafka. Builds producers, group consumers and admin clients
/// with bounded timeouts, collecting every client-level error (authentication failures arrive there).
/// </summary>
public sealed record SecureClient(string Name, ClientConfig Config, Func<string>? Token = null)
{
    /// <summary>What the refresh handler tells librdkafka; the broker takes the principal from the token's sub.</summary>
    private const string TokenPrincipal = "alice";

    public override string ToString() => Name;

    /// <summary>A producer; <paramref name="errors"/> and <paramref name="logs"/> collect what librdkafka reports.</summary>
    public IProducer<string, string> Producer(ConcurrentQueue<Error>? errors = null, int messageTimeoutMs = 30_000, ConcurrentQueue<string>? logs = null)
    {
        var config = new ProducerConfig(Copy())
        {
            Acks = Acks.All,
            LingerMs = 5,
            MessageTimeoutMs = messageTimeoutMs,
            EnableIdempotence = false,
        };
        var builder = new ProducerBuilder<string, string>(config)
            .SetLogHandler((_, m) => logs?.Enqueue(m.Message))
            .SetErrorHandler((_, e) => errors?.Enqueue(e));
        if (Token is not null)
            builder.SetOAuthBearerTokenRefreshHandler((client, _) => SetToken(client));
        return builder.Build();
    }

    public IConsumer<string, string> GroupConsumer(string groupId)
    {
        var config = new ConsumerConfig(Copy())
        {
            GroupId = groupId,
            EnableAutoCommit = false,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            SessionTimeoutMs = 10_000,
        };
        var builder = new ConsumerBuilder<string, string>(config).SetLogHandler((_, _) => { });
        if (Token is not null)
            builder.SetOAuthBearerTokenRefreshHandler((client, _) => SetToken(client));
        return builder.Build();
    }

    public IAdminClient Admin()
    {
        var builder = new AdminClientBuilder(new AdminClientConfig(Copy())).SetLogHandler((_, _) => { });
        if (Token is not null)
            builder.SetOAuthBearerTokenRefreshHandler((client, _) => SetToken(client));
        return builder.Build();
    }

    private ClientConfig Copy() => new(Config.ToDictionary(kv => kv.Key, kv => kv.Value)) { SocketTimeoutMs = 10_000 };

    private void SetToken(IClient client)
    {
        try
        {
            // librdkafka refuses a lifetime in the past, so it is always in the future here: whether the token
            // itself has expired is for the broker to find out.
            client.OAuthBearerSetToken(Token!(), DateTimeOffset.UtcNow.AddMinutes(10).ToUnixTimeMilliseconds(), TokenPrincipal);
        }
        catch (Exception e) when (e is KafkaException or InvalidOperationException)
        {
            client.OAuthBearerSetTokenFailure(e.Message);
        }
    }
}
