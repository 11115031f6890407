using Fjord.Broker.Replication;
using Fjord.Cluster;
using Fjord.Protocol;
using Fjord.Transactions;
using Microsoft.Extensions.Logging;

namespace Fjord.Broker.Transactions;

/// <summary>
/// The coordinator's side of WriteTxnMarkers (Kafka's TransactionMarkerChannelManager): sends each
/// partition's marker to its current leader — applied in-process when that is this broker, over one
/// connection per broker otherwise — and retries what failed, with fresh metadata and a growing
/// backoff, until every partition has it. Partitions of deleted topics are dropped, as Kafka does.
/// </summary>
public sealed partial class TransactionMarkerWriter : ITransactionMarkerWriter, IAsyncDisposable
{
    private const short WriteTxnMarkersVersion = 1;
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromMilliseconds(TransactionMarkerApplier.MarkerTimeoutMs + 5_000);

    private readonly MetadataCache _metadata;
    private readonly TransactionMarkerApplier _local;
    private readonly int _nodeId;
    private readonly InterBrokerConnector _connector;
    private readonly ILogger<TransactionMarkerWriter> _logger;
    private readonly Dictionary<int, BrokerChannel> _channels = [];
    private readonly Lock _lock = new();

    public TransactionMarkerWriter(MetadataCache metadata, TransactionMarkerApplier local, int nodeId, InterBrokerConnector connector, ILogger<TransactionMarkerWriter> logger)
    {
        _metadata = metadata;
        _local = local;
        _nodeId = nodeId;
        _connector = connector;
        _logger = logger;
    }

    public async Task WriteMarkersAsync(long producerId, short producerEpoch, int coordinatorEpoch, bool commit,
        IReadOnlyCollection<(string Topic, int Partition)> partitions, CancellationToken ct)
    {
        var remaining = new HashSet<(string Topic, int Partition)>(partitions);
        var backoffMs = 50;
        while (true)
        {
            var snapshot = _metadata.Current;
            var byLeader = new Dictionary<int, List<(string Topic, int Partition)>>();
            foreach (var tp in remaining.ToList())
            {
                if (!snapshot.TopicsByName.ContainsKey(tp.Topic))
                {
                    // Deleted since it joined the transaction: nothing left to mark.
                    remaining.Remove(tp);
                    continue;
                }

                var leader = snapshot.PartitionStateOf(tp.Topic, tp.Partition)?.Leader ?? PartitionState.NoLeader;
                if (leader < 0) continue;
                if (!byLeader.TryGetValue(leader, out var list)) byLeader[leader] = list = [];
                list.Add(tp);
            }

            var sends = byLeader.Select(async group =>
            {
                var errors = await SendAsync(group.Key, producerId, producerEpoch, coordinatorEpoch, commit, group.Value, ct);
                return (Partitions: group.Value, Errors: errors);
            }).ToList();
            foreach (var (sent, errors) in await Task.WhenAll(sends))
            {
                for (var i = 0; i < sent.Count; i++)
                {
                    if (errors[i] == ErrorCode.None)
                    {
                        remaining.Remove(sent[i]);
                    }
                    else if (errors[i] is ErrorCode.InvalidProducerEpoch or ErrorCode.TransactionCoordinatorFenced)
                    {
                        // Kafka stops sending here too: a newer epoch or coordinator has written to the
                        // partition, so this marker is stale and retrying could never succeed.
                        LogMarkerStale(sent[i].Topic, sent[i].Partition, producerId, errors[i].ToString());
                        remaining.Remove(sent[i]);
                    }
                    else
                    {
                        LogMarkerFailed(sent[i].Topic, sent[i].Partition, producerId, errors[i].ToString());
                    }
                }
            }

            if (remaining.Count == 0) return;
            await Task.Delay(backoffMs, ct);
            backoffMs = Math.Min(backoffMs * 2, 1_000);
        }
    }

    private async Task<ErrorCode[]> SendAsync(int leader, long producerId, short producerEpoch, int coordinatorEpoch, bool commit,
        List<(string Topic, int Partition)> partitions, CancellationToken ct)
    {
        if (leader == _nodeId)
            return await _local.ApplyAsync(producerId, producerEpoch, coordinatorEpoch, commit, partitions, ct);

        var request = new WriteTxnMarkersRequest();
        var marker = new WriteTxnMarkersRequest.WritableTxnMarker
        {
            ProducerId = producerId,
            ProducerEpoch = producerEpoch,
            CoordinatorEpoch = coordinatorEpoch,
            TransactionResult = commit,
        };
        foreach (var topic in partitions.GroupBy(p => p.Topic))
            marker.Topics.Add(new WriteTxnMarkersRequest.WritableTxnMarkerTopic { Name = topic.Key, PartitionIndexes = [.. topic.Select(p => p.Partition)] });
        request.Markers.Add(marker);

        var channel = Channel(leader);
        await channel.Gate.WaitAsync(ct);
        try
        {
            channel.Connection ??= await ConnectAsync(leader, ct);
            using var response = await channel.Connection.SendAsync<WriteTxnMarkersResponse>(request, WriteTxnMarkersVersion, RequestTimeout, ct);
            var errors = new Dictionary<(string, int), ErrorCode>();
            foreach (var result in response.Body.Markers)
                foreach (var topic in result.Topics)
                    foreach (var partition in topic.Partitions)
                        errors[(topic.Name, partition.PartitionIndex)] = (ErrorCode)partition.ErrorCode;
            return [.. partitions.Select(p => errors.GetValueOrDefault(p, ErrorCode.UnknownServerError))];
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            LogSendFailed(leader, e.Message);
            if (channel.Connection is { } broken)
            {
                channel.Connection = null;
                await broken.DisposeAsync();
            }

            return [.. partitions.Select(_ => ErrorCode.NetworkException)];
        }
        finally
        {
            channel.Gate.Release();
        }
    }

    private async Task<BrokerConnection> ConnectAsync(int brokerId, CancellationToken ct)
    {
        return await _connector.ConnectAsync(brokerId, $"fjord-txn-markers-{_nodeId}", TimeSpan.FromSeconds(10), ct);
    }

    private BrokerChannel Channel(int brokerId)
    {
        lock (_lock)
        {
            if (!_channels.TryGetValue(brokerId, out var channel)) _channels[brokerId] = channel = new BrokerChannel();
            return channel;
        }
    }

    public async ValueTask DisposeAsync()
    {
        BrokerChannel[] channels;
        lock (_lock) channels = [.. _channels.Values];
        foreach (var channel in channels)
            if (channel.Connection is { } connection) await connection.DisposeAsync();
    }

    [LoggerMessage(EventId = 3401, Level = LogLevel.Debug, Message = "Transaction marker for {Topic}-{Partition} (producer {ProducerId}) not written yet: {Error}; retrying")]
    private partial void LogMarkerFailed(string topic, int partition, long producerId, string error);

    [LoggerMessage(EventId = 3403, Level = LogLevel.Warning, Message = "Transaction marker for {Topic}-{Partition} (producer {ProducerId}) refused as stale ({Error}); not resent")]
    private partial void LogMarkerStale(string topic, int partition, long producerId, string error);

    [LoggerMessage(EventId = 3402, Level = LogLevel.Information, Message = "WriteTxnMarkers to broker {BrokerId} failed: {Reason}; reconnecting")]
    private partial void LogSendFailed(int brokerId, string reason);

    /// <summary>One connection to a broker; requests on it go one at a time.</summary>
    private sealed class BrokerChannel
    {
        public SemaphoreSlim Gate { get; } = new(1, 1);

        public BrokerConnection? Connection { get; set; }
    }
}
