using Fjord.Broker.Partitions;
using Fjord.Broker.Replication;
using Fjord.Cluster;
using Fjord.Log;
using Fjord.Testing;
using Fjord.Testing.Records;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Fjord.Broker.Tests.Replication;

/// <summary>
/// One partition's controller state in an in-memory store, and hosted replicas of it on
/// "brokers" that are just log folders: leader and follower logic without any network.
/// </summary>
internal sealed class ReplicaSetup : IDisposable
{
    private readonly TempDirectory _dir = new("fjord-replica");
    private readonly List<LogManager> _managers = [];
    private ControllerToken? _token;

    public FakeTimeProvider Time { get; } = new(DateTimeOffset.UnixEpoch.AddDays(20000));
    public InMemoryMetadataStore Store { get; }
    public TopicMetadata Topic { get; } = new("t", Guid.NewGuid(), 1, 3, new Dictionary<string, string>());

    public ReplicaSetup() => Store = new InMemoryMetadataStore(Time);

    public async Task<PartitionState> WriteStateAsync(int[] replicas, int leader, int leaderEpoch, int[] isr)
    {
        if (await Store.GetTopicAsync(Topic.Name, CancellationToken.None) is null)
            await Store.CreateTopicAsync(Topic, CancellationToken.None);
        _token ??= (await Store.TryClaimControllerAsync(99, Guid.NewGuid(), TimeSpan.FromMinutes(5), CancellationToken.None)).Token!;
        var current = await Store.GetPartitionStateAsync(Topic.Name, 0, CancellationToken.None);
        var state = new PartitionState(Topic.Name, 0, replicas, leader, leaderEpoch, isr, current?.PartitionEpoch + 1 ?? 0);
        Assert.Equal(WriteOutcome.Written, await Store.WritePartitionStatesAsync(_token, [(state, current?.PartitionEpoch)], CancellationToken.None));
        return (await Store.GetPartitionStateAsync(Topic.Name, 0, CancellationToken.None))!;
    }

    public Partition Host(int brokerId, IControllerStore? store = null)
    {
        var manager = new LogManager([_dir.Combine($"broker-{brokerId}")], LogConfig.Default, Time, NullLoggerFactory.Instance, new LogManagerOptions());
        manager.Startup();
        _managers.Add(manager);
        var log = manager.GetOrCreate(Topic.Name, 0, Topic.TopicId, LogConfig.Default);
        return new Partition(Topic, 0, log, brokerId, store ?? Store, Time, NullLogger.Instance);
    }

    public static Memory<byte> Batch(int records) =>
        Enumerable.Range(0, records).Aggregate(new RecordBatchBuilder(), (b, i) => b.Add($"k{i}", $"v{i}")).Build();

    public void Dispose()
    {
        foreach (var manager in _managers) manager.Close();
        _dir.Dispose();
    }
}
