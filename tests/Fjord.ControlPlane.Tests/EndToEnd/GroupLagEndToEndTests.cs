using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Confluent.Kafka;
using Fjord.Cli;
using Fjord.ControlPlane.Tests.Functions;
using Fjord.Testing;
using Xunit.Abstractions;

namespace Fjord.ControlPlane.Tests.EndToEnd;

/// <summary>
/// Consumer-group lag against a real broker: Confluent.Kafka clients of a tenant produce, consume and commit; the
/// broker publishes its partition stats; the control plane's lag endpoints, the typed client and the CLI show lag,
/// its age, the inactive group, and the retention forecast of a slow group next to a fast one.
/// </summary>
public sealed class GroupLagEndToEndTests(ControlPlaneClusterFixture fixture, ITestOutputHelper output) : IClassFixture<ControlPlaneClusterFixture>, IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private readonly TempDirectory _folder = new("group-lag-cli");

    public void Dispose() => _folder.Dispose();

    private async Task<(string Tenant, ClientConfig Config)> TenantWithTopicAsync(HttpClient http, string topic)
    {
        var id = "lag" + Guid.NewGuid().ToString("N")[..8];
        var tenant = await ApiCall.SendAsync(http, HttpMethod.Put, $"/api/v1/tenants/{id}", "{}");
        tenant.AssertStatus(HttpStatusCode.Created);
        var admin = tenant.Json.GetProperty("admin");
        var config = fixture.ClientConfig(admin.GetProperty("username").GetString()!, admin.GetProperty("password").GetString()!);
        (await ApiCall.SendAsync(http, HttpMethod.Put, $"/api/v1/tenants/{id}/topics/{topic}",
            """{"partitions": 1, "replicationFactor": 1, "configs": {"retention.ms": "3600000"}}""")).AssertStatus(HttpStatusCode.Created);
        using var adminClient = new AdminClientBuilder(new AdminClientConfig(config)).SetLogHandler((_, _) => { }).Build();
        // The broker learns of the tenant and its admin on its next poll of the tables.
        await Poll.UntilAsync(() => Task.FromResult(CanSeeTopic(adminClient, topic)), Deadline, $"tenant {id}'s admin to see {topic}");
        return (id, config);
    }

    private static bool CanSeeTopic(IAdminClient admin, string topic)
    {
        try
        {
            return admin.GetMetadata(topic, TimeSpan.FromSeconds(5)).Topics.Any(t => t.Topic == topic && t.Error.Code == ErrorCode.NoError);
        }
        catch (KafkaException)
        {
            return false;
        }
    }

    /// <summary>A config of its own: Confluent's config constructors share the dictionary they are given, and the clients here run on several threads.</summary>
    private static Dictionary<string, string> Copy(ClientConfig config) => config.ToDictionary(p => p.Key, p => p.Value);

    private static async Task<JsonElement?> LagAsync(HttpClient http, string tenant, string group)
    {
        var call = await ApiCall.SendAsync(http, HttpMethod.Get, $"/api/v1/tenants/{tenant}/groups/{group}/lag");
        if (call.Status == HttpStatusCode.NotFound) return null;
        call.AssertStatus(HttpStatusCode.OK);
        return call.Json;
    }

    private static IConsumer<string, string> Consumer(ClientConfig config, string group, ConcurrentQueue<string>? log = null) =>
        new ConsumerBuilder<string, string>(new ConsumerConfig(Copy(config)) { GroupId = group, AutoOffsetReset = AutoOffsetReset.Earliest, EnableAutoCommit = false })
            .SetLogHandler((_, m) => { if (m.Level <= SyslogLevel.Warning) log?.Enqueue($"{group}: {m.Facility} {m.Message}"); })
            .SetErrorHandler((_, e) => log?.Enqueue($"{group}: error {e.Code} {e.Reason}")).Build();

    [Fact]
    public async Task TheLagOfAGroupGoesFromNToZeroAndTheGroupStaysListedAfterItsConsumerCloses()
    {
        const int N = 40;
        using var http = fixture.Client();
        var (tenant, config) = await TenantWithTopicAsync(http, "orders");
        using (var producer = new ProducerBuilder<string, string>(new ProducerConfig(Copy(config)) { LingerMs = 0, Acks = Acks.All }).SetLogHandler((_, _) => { }).Build())
        {
            for (var i = 0; i < N; i++)
                await producer.ProduceAsync("orders", new Message<string, string> { Key = "k" + i, Value = "v" + i });
        }

        using (var consumer = Consumer(config, "billing"))
        {
            // The group's position before reading anything: the start of the partition.
            consumer.Commit([new TopicPartitionOffset("orders", 0, 0)]);
            await Poll.UntilAsync(async () => await LagAsync(http, tenant, "billing") is { } lag && lag.GetProperty("totalLag").ValueKind == JsonValueKind.Number
                && lag.GetProperty("totalLag").GetInt64() == N, Deadline, $"the lag of billing to show {N}");
            var behind = (await LagAsync(http, tenant, "billing"))!.Value.GetProperty("partitions")[0];
            Assert.Equal(0, behind.GetProperty("committedOffset").GetInt64());
            Assert.Equal(N, behind.GetProperty("logEndOffset").GetInt64());
            Assert.True(behind.GetProperty("lagSeconds").GetDouble() >= 0);

            var cli = await CliAsync("group", "lag", "billing", "--tenant", tenant);
            Assert.True(cli.ExitCode == 0, cli.Error);
            Assert.Contains("TOPIC", cli.Output, StringComparison.Ordinal);
            Assert.Matches($@"orders\s+0\s+0\s+{N}\s+{N}\s", cli.Output);

            consumer.Subscribe("orders");
            var read = 0;
            await Poll.UntilAsync(() =>
            {
                if (consumer.Consume(TimeSpan.FromMilliseconds(500)) is { Message: not null }) read++;
                return Task.FromResult(read == N);
            }, Deadline, $"the consumer to read all {N} records");
            consumer.Commit();
            await Poll.UntilAsync(async () => await LagAsync(http, tenant, "billing") is { } lag && lag.GetProperty("totalLag").ValueKind == JsonValueKind.Number
                && lag.GetProperty("totalLag").GetInt64() == 0, Deadline, "the lag of billing to drop to 0");
            var caughtUp = (await LagAsync(http, tenant, "billing"))!.Value;
            Assert.Equal(0, caughtUp.GetProperty("partitions")[0].GetProperty("lagSeconds").GetDouble());
            Assert.Equal("Stable", caughtUp.GetProperty("state").GetString());
            var latencies = new List<double>();
            for (var i = 0; i < 20; i++)
            {
                var clock = System.Diagnostics.Stopwatch.StartNew();
                await LagAsync(http, tenant, "billing");
                latencies.Add(clock.Elapsed.TotalMilliseconds);
            }
            latencies.Sort();
            output.WriteLine($"GET lag through the local host: p50 {latencies[10]:F1} ms, max {latencies[^1]:F1} ms (20 calls)");
            consumer.Close();
        }

        // Inactive: no members left, still listed with its offsets and lag.
        await Poll.UntilAsync(async () =>
        {
            var list = await ApiCall.SendAsync(http, HttpMethod.Get, $"/api/v1/tenants/{tenant}/groups");
            list.AssertStatus(HttpStatusCode.OK);
            return list.Json.GetProperty("items").EnumerateArray().Any(g => g.GetProperty("group").GetString() == "billing" && g.GetProperty("state").GetString() == "Empty"
                && g.GetProperty("totalLag").GetInt64() == 0);
        }, Deadline, "billing to be listed as Empty after its consumer closed");
        var json = await CliAsync("group", "list", "--tenant", tenant, "--output", "json");
        Assert.True(json.ExitCode == 0, json.Error);
        Assert.Equal("Empty", JsonDocument.Parse(json.Output).RootElement.EnumerateArray().Single(g => g.GetProperty("group").GetString() == "billing").GetProperty("state").GetString());
    }

    [Fact]
    public async Task AGroupConsumingSlowerThanTheProducerGetsAFiniteForecastAndOneThatKeepsUpNone()
    {
        using var http = fixture.Client();
        var (tenant, config) = await TenantWithTopicAsync(http, "payments");
        // Only read from here on, by the producer's and consumers' threads.
        config = new ClientConfig(Copy(config));
        using var stop = new CancellationTokenSource();
        var producing = Task.Run(() => ProduceSteadilyAsync(config, "payments", stop.Token));
        var log = new ConcurrentQueue<string>();
        var fast = Task.Run(() => ConsumeAsync(config, "fast", recordsPerTenthOfASecond: int.MaxValue, log, stop.Token));
        var slow = Task.Run(() => ConsumeAsync(config, "slow", recordsPerTenthOfASecond: 3, log, stop.Token));
        try
        {
            JsonElement slowLag = default, fastLag = default;
            try
            {
                await Poll.UntilAsync(async () =>
                {
                    if (await LagAsync(http, tenant, "slow") is not { } s || await LagAsync(http, tenant, "fast") is not { } f) return false;
                    (slowLag, fastLag) = (s, f);
                    return s.GetProperty("earliestForecast").GetProperty("status").GetString() == "expected"
                        && f.GetProperty("earliestForecast").GetProperty("status").GetString() == "never"
                        && s.GetProperty("totalLag").GetInt64() > 100;
                }, Deadline, "the slow group to get a forecast while the fast one gets none");
            }
            catch (TimeoutException)
            {
                output.WriteLine($"slow: {(slowLag.ValueKind == JsonValueKind.Undefined ? "-" : slowLag.GetRawText())}");
                output.WriteLine($"fast: {(fastLag.ValueKind == JsonValueKind.Undefined ? "-" : fastLag.GetRawText())}");
                foreach (var line in log.Take(50)) output.WriteLine(line);
                throw;
            }

            var forecast = slowLag.GetProperty("earliestForecast");
            Assert.Equal("retention.ms", forecast.GetProperty("limit").GetString());
            var seconds = forecast.GetProperty("inSeconds").GetDouble();
            // One hour of retention, the slow group at well under the produce rate: loss after more than the hour, within days.
            Assert.InRange(seconds, 3600, 7 * 24 * 3600);
            Assert.True(forecast.GetProperty("at").GetDateTimeOffset() > DateTimeOffset.UtcNow);
            var partition = slowLag.GetProperty("partitions")[0];
            Assert.True(partition.GetProperty("consumeRate").GetDouble() < partition.GetProperty("produceRate").GetDouble());
            Assert.Equal(JsonValueKind.Null, fastLag.GetProperty("earliestForecast").GetProperty("at").ValueKind);
            var fastPartition = fastLag.GetProperty("partitions")[0];
            output.WriteLine($"slow: lag {partition.GetProperty("lag")} ({partition.GetProperty("lagSeconds")} s), produce {partition.GetProperty("produceRate")}/s, "
                + $"consume {partition.GetProperty("consumeRate")}/s, loss in {seconds:F0} s; fast: lag {fastPartition.GetProperty("lag")}, consume {fastPartition.GetProperty("consumeRate")}/s");
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(producing, fast, slow);
        }
    }

    /// <summary>About 100 records a second until stopped: a steady producer, paced by the clock rather than waiting for any state.</summary>
    private static async Task ProduceSteadilyAsync(ClientConfig config, string topic, CancellationToken ct)
    {
        using var producer = new ProducerBuilder<string, string>(new ProducerConfig(Copy(config)) { LingerMs = 5, Acks = Acks.All }).SetLogHandler((_, _) => { }).Build();
        using var pace = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        var n = 0;
        try
        {
            while (await pace.WaitForNextTickAsync(ct))
            {
                for (var i = 0; i < 10; i++) producer.Produce(topic, new Message<string, string> { Key = "k", Value = "v" + n++ });
            }
        }
        catch (OperationCanceledException)
        {
        }
        producer.Flush(TimeSpan.FromSeconds(10));
    }

    /// <summary>Reads and commits at most <paramref name="recordsPerTenthOfASecond"/> records per 100 ms tick (a throttled consumer), until stopped.</summary>
    private static async Task ConsumeAsync(ClientConfig config, string group, int recordsPerTenthOfASecond, ConcurrentQueue<string> log, CancellationToken ct)
    {
        using var consumer = Consumer(config, group, log);
        consumer.Subscribe("payments");
        using var pace = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        try
        {
            while (await pace.WaitForNextTickAsync(ct))
            {
                var read = 0;
                while (read < recordsPerTenthOfASecond && consumer.Consume(TimeSpan.FromMilliseconds(read == 0 ? 50 : 0)) is { Message: not null }) read++;
                if (read > 0) consumer.Commit();
            }
        }
        catch (OperationCanceledException)
        {
        }
        consumer.Close();
    }

    private async Task<(int ExitCode, string Output, string Error)> CliAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var environment = new Dictionary<string, string> { ["XDG_CONFIG_HOME"] = _folder.Combine("config") };
        var code = await FjordCli.RunAsync([.. args, "--api-url", fixture.BaseAddress.ToString(), "--api-key", fixture.OperatorKey], output, error,
            new CliEnvironment(n => environment.GetValueOrDefault(n)), CancellationToken.None);
        return (code, output.ToString(), error.ToString());
    }
}
