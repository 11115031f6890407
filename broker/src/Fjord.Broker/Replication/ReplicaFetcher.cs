using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Fjord.Broker.Partitions;
using Fjord.Cluster;
using Fjord.Protocol;
using Microsoft.Extensions.Logging;

namespace Fjord.Broker.Replication;

/// <summary>
/// Kafka's replica fetcher thread for one leader broker: fetches every partition this broker
/// follows there in one Fetch (v12: replica id, current leader epoch, last fetched epoch), appends
/// what comes back as it is, follows the leader's high watermark and log start offset, and
/// truncates when the leader reports a diverging epoch.
/// </summary>
public sealed partial class ReplicaFetcher : IAsyncDisposable
{
    private const short FetchVersion = 12;

    private readonly int _leaderId;
    private readonly ReplicaFetcherOptions _options;
    private readonly InterBrokerConnector _connector;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<TopicPartitionKey, (Partition Partition, int LeaderEpoch)> _partitions = new();
    private readonly ConcurrentDictionary<TopicPartitionKey, long> _delayedUntilMs = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly SemaphoreSlim _wake = new(0, int.MaxValue);
    private readonly Task _loop;
    private BrokerConnection? _connection;

    public ReplicaFetcher(int leaderId, ReplicaFetcherOptions options, InterBrokerConnector connector, ILogger logger)
    {
        _leaderId = leaderId;
        _options = options;
        _connector = connector;
        _logger = logger;
        _loop = Task.Run(RunAsync);
    }

    public int LeaderId => _leaderId;

    public bool IsEmpty => _partitions.IsEmpty;

    public void Add(Partition partition, int leaderEpoch)
    {
        // Reconciliation re-adds every followed partition on each metadata change: the same replica
        // at the same epoch keeps its backoff and does not wake the loop.
        if (_partitions.TryGetValue(partition.Key, out var current) && current.LeaderEpoch == leaderEpoch && ReferenceEquals(current.Partition, partition))
            return;
        _partitions[partition.Key] = (partition, leaderEpoch);
        _delayedUntilMs.TryRemove(partition.Key, out _);
        _wake.Release();
    }

    public void Remove(TopicPartitionKey key) => _partitions.TryRemove(key, out _);

    private async Task RunAsync()
    {
        var ct = _stopping.Token;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                if (_partitions.IsEmpty)
                {
                    await _wake.WaitAsync(TimeSpan.FromSeconds(1), ct);
                    continue;
                }
                var fetched = await FetchOnceAsync(ct);
                if (!fetched) await _wake.WaitAsync(TimeSpan.FromMilliseconds(Math.Min(_options.BackoffMs, 100)), ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                LogFetchFailed(e, _leaderId);
                await DropConnectionAsync();
                try
                {
                    await Task.Delay(_options.BackoffMs, ct);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
        await DropConnectionAsync();
    }

    /// <summary>One fetch round trip; false when there was nothing to fetch (every partition delayed).</summary>
    private async Task<bool> FetchOnceAsync(CancellationToken ct)
    {
        var now = Environment.TickCount64;
        var request = new FetchRequest
        {
            ReplicaId = _options.LocalId,
            MaxWaitMs = _options.MaxWaitMs,
            MinBytes = _options.MinBytes,
            MaxBytes = _options.ResponseMaxBytes,
            SessionId = 0,
            SessionEpoch = -1,
        };
        var sent = new Dictionary<TopicPartitionKey, (Partition Partition, int LeaderEpoch, long FetchOffset)>();
        foreach (var group in _partitions.GroupBy(p => p.Key.Topic))
        {
            var topic = new FetchRequest.FetchTopic { Topic = group.Key };
            foreach (var (key, (partition, epoch)) in group)
            {
                if (_delayedUntilMs.TryGetValue(key, out var until) && until > now) continue;
                if (!partition.IsFollowing(epoch) || partition.AwaitingRemoteTier) continue;
                var log = partition.Log;
                var fetchOffset = log.LogEndOffset;
                topic.Partitions.Add(new FetchRequest.FetchPartition
                {
                    Partition = key.Partition,
                    CurrentLeaderEpoch = epoch,
                    FetchOffset = fetchOffset,
                    LastFetchedEpoch = log.LatestLeaderEpoch,
                    LogStartOffset = log.LogStartOffset,
                    PartitionMaxBytes = _options.PartitionMaxBytes,
                });
                sent[key] = (partition, epoch, fetchOffset);
            }
            if (topic.Partitions.Count > 0) request.Topics.Add(topic);
        }
        if (sent.Count == 0) return false;

        var connection = await ConnectAsync(ct);
        using var response = await connection.SendAsync<FetchResponse>(request, FetchVersion,
            TimeSpan.FromMilliseconds(_options.MaxWaitMs + _options.SocketTimeoutMs), ct);
        if (response.Body.ErrorCode != 0)
            throw new IOException($"fetch from broker {_leaderId} failed with error {(ErrorCode)response.Body.ErrorCode}");
        foreach (var topic in response.Body.Responses)
            foreach (var data in topic.Partitions)
                if (sent.TryGetValue(new TopicPartitionKey(topic.Topic, data.PartitionIndex), out var target))
                    ProcessGuarded(target.Partition, target.LeaderEpoch, target.FetchOffset, data);
        return true;
    }

    /// <summary>One partition's failure (a log closed by a topic deletion, a disk error) must not stall the others on this leader.</summary>
    private void ProcessGuarded(Partition partition, int leaderEpoch, long fetchOffset, FetchResponse.PartitionData data)
    {
        try
        {
            Process(partition, leaderEpoch, fetchOffset, data);
        }
        catch (Exception e)
        {
            _delayedUntilMs[partition.Key] = Environment.TickCount64 + _options.BackoffMs;
            LogPartitionFailed(e, partition.Key.Topic, partition.Key.Partition, _leaderId);
        }
    }

    private void Process(Partition partition, int leaderEpoch, long fetchOffset, FetchResponse.PartitionData data)
    {
        var error = (ErrorCode)data.ErrorCode;
        switch (error)
        {
            case ErrorCode.None when data.DivergingEpoch.Epoch >= 0 || data.DivergingEpoch.EndOffset >= 0:
                // The leader's history differs from ours after the epoch it names: keep only what both hold.
                var (ownEpoch, ownEnd) = partition.Log.EndOffsetForEpoch(data.DivergingEpoch.Epoch);
                var truncateTo = ownEpoch < 0 ? data.DivergingEpoch.EndOffset : Math.Min(ownEnd, data.DivergingEpoch.EndOffset);
                partition.TruncateAsFollower(Math.Max(0, truncateTo), leaderEpoch);
                break;
            case ErrorCode.None:
                if (partition.Log.LogEndOffset != fetchOffset) return; // the log moved meanwhile (a truncation): refetch
                var records = data.Records ?? ReadOnlyMemory<byte>.Empty;
                partition.AppendAsFollower(MemoryMarshal.AsMemory(records), leaderEpoch, data.HighWatermark, data.LogStartOffset);
                break;
            case ErrorCode.OffsetOutOfRange:
                if (data.LogStartOffset >= 0 && fetchOffset < data.LogStartOffset)
                    partition.RestartAsFollowerAt(data.LogStartOffset, leaderEpoch);
                else if (data.HighWatermark >= 0 && fetchOffset > data.HighWatermark)
                    partition.TruncateAsFollower(data.HighWatermark, leaderEpoch);
                break;
            case ErrorCode.OffsetMovedToTieredStorage:
                // KIP-405: the leader keeps only the hot tail locally; what lies below it is in Blob storage.
                _delayedUntilMs[partition.Key] = Environment.TickCount64 + Math.Min(_options.BackoffMs, 250);
                partition.RequestRemoteTierLookup();
                break;
            default:
                // Not (yet) the leader at our epoch, or an epoch mismatch: wait for metadata to settle.
                _delayedUntilMs[partition.Key] = Environment.TickCount64 + Math.Min(_options.BackoffMs, 250);
                LogPartitionError(partition.Key.Topic, partition.Key.Partition, _leaderId, error.ToString());
                break;
        }
    }

    private async Task<BrokerConnection> ConnectAsync(CancellationToken ct)
    {
        if (_connection is not null) return _connection;
        _connection = await _connector.ConnectAsync(_leaderId, $"fjord-replica-fetcher-{_options.LocalId}",
            TimeSpan.FromMilliseconds(_options.SocketTimeoutMs), ct);
        return _connection;
    }

    private async Task DropConnectionAsync()
    {
        if (_connection is { } connection)
        {
            _connection = null;
            await connection.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _loop;
        _stopping.Dispose();
        _wake.Dispose();
    }

    [LoggerMessage(EventId = 3201, Level = LogLevel.Warning, Message = "Replica fetch from broker {LeaderId} failed; backing off")]
    private partial void LogFetchFailed(Exception exception, int leaderId);

    [LoggerMessage(EventId = 3203, Level = LogLevel.Warning, Message = "{Topic}-{Partition}: applying the fetch from broker {LeaderId} failed; backing off")]
    private partial void LogPartitionFailed(Exception exception, string topic, int partition, int leaderId);

    [LoggerMessage(EventId = 3202, Level = LogLevel.Debug, Message = "{Topic}-{Partition}: fetch from broker {LeaderId} answered {Error}")]
    private partial void LogPartitionError(string topic, int partition, int leaderId, string error);
}
