using System.Collections.Concurrent;
using Fjord.Broker.Tests.Infrastructure;
using Fjord.Protocol;
using Fjord.Testing.Records;

namespace Fjord.Broker.Tests.Cluster;

/// <summary>
/// A producer that talks to one broker only, whatever that broker or its Metadata say: a raw Produce
/// (acks=-1) of one record at a time, reconnecting after errors. A real client follows the new
/// leader as soon as any broker tells it; this one keeps pressing a deposed leader for the whole
/// time it is cut off, which is exactly when it must not acknowledge anything.
/// </summary>
public sealed class PinnedProducer : IAsyncDisposable
{
    private const short ProduceVersion = 9;
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan ReconnectBackoff = TimeSpan.FromMilliseconds(100);

    private readonly string _broker;
    private readonly string _topic;
    private readonly string _tag;
    private readonly CancellationTokenSource _stop = new();
    private Task _running = Task.CompletedTask;

    public PinnedProducer(string broker, string topic, string tag)
    {
        _broker = broker;
        _topic = topic;
        _tag = tag;
    }

    /// <summary>Acknowledged value by (partition 0, offset).</summary>
    public ConcurrentDictionary<(int Partition, long Offset), string> Acknowledged { get; } = new();

    /// <summary>How often each error code (or "connection") answered, for the test's output.</summary>
    public ConcurrentDictionary<string, int> Outcomes { get; } = new();

    public void Start() => _running = Task.Run(RunAsync);

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await _running;
    }

    public string Summary() =>
        $"{_tag}: acked {Acknowledged.Count}; answers: {string.Join(", ", Outcomes.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => $"{o.Key} x{o.Value}"))}";

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stop.Dispose();
    }

    private async Task RunAsync()
    {
        var number = 0;
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await using var client = await RawKafkaClient.ConnectAsync(_broker);
                while (!_stop.IsCancellationRequested)
                {
                    var value = AckingProducer.Value(_tag, number++);
                    var response = await client.SendAsync<ProduceResponse>(Request(value), ProduceVersion, RequestTimeout);
                    var partition = response.Responses.Single().PartitionResponses.Single();
                    Outcomes.AddOrUpdate(partition.ErrorCode.ToString(System.Globalization.CultureInfo.InvariantCulture), 1, (_, n) => n + 1);
                    if (partition.ErrorCode == 0)
                        Acknowledged[(0, partition.BaseOffset)] = value;
                }
            }
            catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or TimeoutException or InvalidDataException)
            {
                Outcomes.AddOrUpdate("connection", 1, (_, n) => n + 1);
                try
                {
                    await Task.Delay(ReconnectBackoff, _stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private ProduceRequest Request(string value)
    {
        var records = new RecordBatchBuilder().Add(null, value).Build();
        var data = new ProduceRequest.TopicProduceData { Name = _topic };
        data.PartitionData.Add(new ProduceRequest.PartitionProduceData { Index = 0, Records = records });
        var request = new ProduceRequest { Acks = -1, TimeoutMs = 5_000 };
        request.TopicData.Add(data);
        return request;
    }
}
