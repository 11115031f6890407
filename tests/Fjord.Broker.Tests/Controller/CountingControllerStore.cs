using System.Collections.Concurrent;
using Fjord.Cluster;

namespace Fjord.Broker.Tests.Controller;

/// <summary>
/// Wraps a store to count the calls a controller makes (the idle cost) and, when asked, to hold its
/// partition-state writes (a controller paused mid-write, as by a long GC pause or a slow network).
/// </summary>
internal sealed class CountingControllerStore(InMemoryMetadataStore inner) : IMetadataStore, IControllerStore
{
    private readonly ConcurrentDictionary<string, int> _calls = new();
    private TaskCompletionSource? _hold;

    public TaskCompletionSource WriteHeld { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ConcurrentQueue<WriteOutcome> WriteOutcomes { get; } = new();

    /// <summary>While true every call fails, as when Table storage cannot be reached.</summary>
    public bool Unavailable { get; set; }

    public int Calls(string method) => _calls.GetValueOrDefault(method);

    public IReadOnlyDictionary<string, int> AllCalls => _calls;

    public void ResetCounts() => _calls.Clear();

    /// <summary>From now on a partition-state write waits (after signalling <see cref="WriteHeld"/>) until <see cref="ReleaseWrites"/>.</summary>
    public void HoldWrites() => _hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void ReleaseWrites() => _hold?.TrySetResult();

    public Task<string> GetOrCreateClusterIdAsync(CancellationToken ct) => Count(() => inner.GetOrCreateClusterIdAsync(ct));

    public string Location => inner.Location;

    public Task<string?> GetClusterIdAsync(CancellationToken ct) => Count(() => inner.GetClusterIdAsync(ct));

    public Task<IReadOnlySet<Guid>> ListDeletedTopicIdsAsync(CancellationToken ct) => Count(() => inner.ListDeletedTopicIdsAsync(ct));

    public Task<long> GetVersionAsync(CancellationToken ct) => Count(() => inner.GetVersionAsync(ct));

    public Task<IReadOnlyList<TopicMetadata>> ListTopicsAsync(CancellationToken ct) => Count(() => inner.ListTopicsAsync(ct));

    public Task<TopicMetadata?> GetTopicAsync(string name, CancellationToken ct) => Count(() => inner.GetTopicAsync(name, ct));

    public Task<CreateTopicOutcome> CreateTopicAsync(TopicMetadata topic, CancellationToken ct) => Count(() => inner.CreateTopicAsync(topic, ct));

    public Task<bool> DeleteTopicAsync(string name, Guid? expectedTopicId, CancellationToken ct) => Count(() => inner.DeleteTopicAsync(name, expectedTopicId, ct));

    public Task<UpdateOutcome> UpdateTopicAsync(string name, Func<TopicMetadata, TopicMetadata?> change, CancellationToken ct) => Count(() => inner.UpdateTopicAsync(name, change, ct));

    public Task RegisterBrokerAsync(BrokerRegistration registration, CancellationToken ct) => Count(() => inner.RegisterBrokerAsync(registration, ct));

    public Task HeartbeatAsync(int nodeId, Guid incarnationId, CancellationToken ct) => Count(() => inner.HeartbeatAsync(nodeId, incarnationId, ct));

    public Task<IReadOnlyList<BrokerRegistration>> ListBrokersAsync(CancellationToken ct) => Count(() => inner.ListBrokersAsync(ct));

    public Task<ControllerClaim> TryClaimControllerAsync(int nodeId, Guid incarnationId, TimeSpan leaseDuration, CancellationToken ct) =>
        Count(() => inner.TryClaimControllerAsync(nodeId, incarnationId, leaseDuration, ct));

    public Task<bool> ReleaseControllerAsync(ControllerToken token, CancellationToken ct) => Count(() => inner.ReleaseControllerAsync(token, ct));

    public Task<ControllerLease?> GetControllerAsync(CancellationToken ct) => Count(() => inner.GetControllerAsync(ct));

    public async Task<WriteOutcome> WritePartitionStatesAsync(ControllerToken token, IReadOnlyList<(PartitionState State, int? ExpectedPartitionEpoch)> changes, CancellationToken ct)
    {
        Counted();
        if (_hold is { } hold)
        {
            WriteHeld.TrySetResult();
            await hold.Task.WaitAsync(ct);
        }

        var outcome = await inner.WritePartitionStatesAsync(token, changes, ct);
        WriteOutcomes.Enqueue(outcome);
        return outcome;
    }

    public Task<AlterPartitionOutcome> AlterPartitionAsync(PartitionState proposed, int expectedPartitionEpoch, CancellationToken ct) =>
        Count(() => inner.AlterPartitionAsync(proposed, expectedPartitionEpoch, ct));

    public Task<PartitionState?> GetPartitionStateAsync(string topic, int partition, CancellationToken ct) => Count(() => inner.GetPartitionStateAsync(topic, partition, ct));

    public Task<IReadOnlyList<PartitionState>> ListPartitionStatesAsync(CancellationToken ct) => Count(() => inner.ListPartitionStatesAsync(ct));

    private T Count<T>(Func<T> call, [System.Runtime.CompilerServices.CallerMemberName] string method = "")
    {
        Counted(method);
        return call();
    }

    private void Counted([System.Runtime.CompilerServices.CallerMemberName] string method = "")
    {
        _calls.AddOrUpdate(method, 1, (_, n) => n + 1);
        if (Unavailable)
            throw new IOException($"Table storage is unavailable ({method}).");
    }
}
