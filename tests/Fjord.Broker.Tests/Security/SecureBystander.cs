using Confluent.Kafka;
using Fjord.Testing;

namespace Fjord.Broker.Tests.Security;

/// <summary>
/// An honest client beside an attack: a Confluent.Kafka producer authenticated with SCRAM-SHA-512 over SASL_SSL
/// that keeps producing, one record at a time, until stopped. Every delivery must succeed.
/// </summary>
internal sealed class SecureBystander : IAsyncDisposable
{
    private readonly IProducer<Null, string> _producer;
    private readonly string _topic;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<string> _failures = [];
    private readonly Task _loop;
    private int _delivered;

    private SecureBystander(IProducer<Null, string> producer, string topic)
    {
        _producer = producer;
        _topic = topic;
        _loop = Task.Run(ProduceUntilStoppedAsync);
    }

    public int Delivered => Volatile.Read(ref _delivered);

    public static ProducerConfig Config(string saslSslBootstrap, TestSecurity security, string user = TestSecurity.AdminUser, string password = TestSecurity.AdminPassword) => new()
    {
        BootstrapServers = saslSslBootstrap,
        SecurityProtocol = SecurityProtocol.SaslSsl,
        SaslMechanism = SaslMechanism.ScramSha512,
        SaslUsername = user,
        SaslPassword = password,
        SslCaLocation = security.CaPath,
        Acks = Acks.All,
        LingerMs = 0,
        MessageTimeoutMs = 30_000,
        EnableIdempotence = false,
    };

    public static SecureBystander Start(ProducerConfig config, string topic) =>
        new(new ProducerBuilder<Null, string>(config).SetLogHandler((_, _) => { }).Build(), topic);

    private async Task ProduceUntilStoppedAsync()
    {
        var sequence = 0;
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await _producer.ProduceAsync(_topic, new Message<Null, string> { Value = $"bystander-{sequence++}" });
                Interlocked.Increment(ref _delivered);
            }
            catch (ProduceException<Null, string> e)
            {
                lock (_failures) _failures.Add(e.Error.ToString());
            }
        }
    }

    /// <summary>Waits until <paramref name="more"/> further records are delivered: the bystander is served now, not only before.</summary>
    public async Task AssertStillServedAsync(int more = 3)
    {
        var target = Delivered + more;
        await Poll.UntilAsync(() => Delivered >= target, TimeSpan.FromSeconds(30), $"the bystander to deliver {more} more records (at {Delivered})");
        AssertNoFailures();
    }

    public void AssertNoFailures()
    {
        lock (_failures)
            Xunit.Assert.True(_failures.Count == 0, $"bystander deliveries failed: {string.Join("; ", _failures.Take(5))}");
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _producer.Dispose();
        _stop.Dispose();
    }
}
