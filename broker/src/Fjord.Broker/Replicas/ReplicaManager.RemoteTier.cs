using Fjord.Broker.Partitions;
using Fjord.Broker.Replication;
using Fjord.Tiering;
using Microsoft.Extensions.Logging;

namespace Fjord.Broker.Replicas;

public sealed partial class ReplicaManager
{
    private readonly TaskCompletionSource<(IRemoteLogMetadataStore Manifest, IRemoteStorage Storage)> _remoteTier = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Task, byte> _lookups = new();

    /// <summary>The remote tier's manifest and storage, once tiering has started; lookups wait for them.</summary>
    public void AttachRemoteTier(IRemoteLogMetadataStore manifest, IRemoteStorage storage) => _remoteTier.TrySetResult((manifest, storage));

    /// <summary>
    /// Kafka's remote-log auxiliary state for a replica with no local history: until the manifest says
    /// where the uploaded part ends, the replica neither serves nor fetches; then its log restarts there
    /// (<see cref="Partition.CompleteRemoteTierLookup"/>). Retries with backoff while Table storage
    /// is out of reach — an unavailable partition is better than one that reuses uploaded offsets.
    /// </summary>
    internal void LookUpRemoteTier(Partition partition)
    {
        if (!partition.BeginRemoteTierLookup()) return;
        var ct = _stopping.Token;
        var lookup = Task.Run(async () =>
        {
            var delay = TimeSpan.FromMilliseconds(200);
            while (!ct.IsCancellationRequested)
            {
                if (!_partitions.TryGetValue(partition.Key, out var current) || !ReferenceEquals(current, partition)) break;
                try
                {
                    var (manifest, storage) = await _remoteTier.Task.WaitAsync(ct);
                    var entries = await manifest.ListAsync(partition.Log.TopicId, partition.Index, ct);
                    var start = RemoteTierStart.From(entries);
                    // KIP-405 restores the producers with the tier: retries of batches in Blob are still recognised.
                    var producers = start?.LastSegment is { } last && start.LocalStartOffset > partition.Log.LogEndOffset
                        ? await RemoteProducerSnapshot.ReadAsync(storage, last, ct)
                        : null;
                    partition.CompleteRemoteTierLookup(start, producers);
                    // The log start offset now lies below the local log: a crash must not forget it.
                    _logs.CheckpointLogStartOffsets();
                    return;
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    break;
                }
                catch (Exception e)
                {
                    LogRemoteTierLookupFailed(e, partition.Key.Topic, partition.Key.Partition, delay);
                    try
                    {
                        await Task.Delay(delay, _time, ct);
                    }
                    catch (OperationCanceledException)
                    {
                        break;
                    }
                    delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(30).Ticks));
                }
            }
            partition.AbandonRemoteTierLookup();
        }, CancellationToken.None);
        _lookups[lookup] = 0;
        _ = lookup.ContinueWith(t => _lookups.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private async Task AwaitRemoteTierLookupsAsync()
    {
        foreach (var lookup in _lookups.Keys) await lookup;
    }

    [LoggerMessage(EventId = 3111, Level = LogLevel.Warning, Message = "{Topic}-{Partition}: reading the remote tier's manifest failed; the replica waits and retries in {Delay}")]
    private partial void LogRemoteTierLookupFailed(Exception exception, string topic, int partition, TimeSpan delay);
}
