using Fjord.Broker.Fetch;
using Fjord.Broker.Partitions;
using Fjord.Broker.Replication;
using Fjord.Log;
using Fjord.Log.Records;
using Fjord.Protocol;
using Fjord.Tiering;

namespace Fjord.Broker.Replicas;

public sealed partial class ReplicaManager
{
    /// <summary>
    /// Kafka's fetchMessages: resolves each partition once, records a follower's position (which may move
    /// the ISR and the high watermark), waits in the fetch purgatory while fewer than min_bytes are
    /// fetchable, then reads each partition's log once. Hot records come back as file regions that the
    /// transport sends without copying; records below the local log come from the remote tier.
    /// Dispose every result once the response is written.
    /// </summary>
    public async ValueTask<FetchPartitionData[]> FetchMessagesAsync(FetchParams fetch, IReadOnlyList<FetchPartitionRequest> partitions, CancellationToken ct)
    {
        var statuses = new FetchPartitionStatus[partitions.Count];
        var mustAnswer = false;
        for (var i = 0; i < statuses.Length; i++)
        {
            var request = partitions[i];
            var partition = LeaderFor(request.Topic, request.Key.TopicId, request.Key.Partition, request.CurrentLeaderEpoch, out var error);
            statuses[i] = new FetchPartitionStatus(request, partition, error);
            if (partition is null)
            {
                mustAnswer = true;
                continue;
            }
            if (!fetch.IsFromFollower) continue;
            // A fetch past our end or from a diverged history says nothing about what the follower
            // holds of *our* log: it must truncate first, and must not count towards commits.
            var log = partition.Log;
            if (Diverging(request, log) is not null) mustAnswer = true;
            else if (request.FetchOffset <= log.LogEndOffset && request.FetchOffset >= log.LogStartOffset)
                partition.RecordFollowerFetch(fetch.ReplicaId, request.FetchOffset);
        }

        if (!mustAnswer && fetch.MaxWaitMs > 0 && fetch.MinBytes > 0 && statuses.Length > 0)
        {
            var deadline = _time.GetTimestamp() + (long)(fetch.MaxWaitMs * (_time.TimestampFrequency / 1000.0));
            var delayed = new DelayedFetch(deadline, fetch, statuses);
            if (!_fetchPurgatory.TryCompleteElseWatch(delayed, delayed.Partitions))
                await delayed.Completion.WaitAsync(ct);
        }
        return await ReadAsync(fetch, statuses, ct);
    }

    private async ValueTask<FetchPartitionData[]> ReadAsync(FetchParams fetch, FetchPartitionStatus[] statuses, CancellationToken ct)
    {
        var results = new FetchPartitionData[statuses.Length];
        long budget = fetch.MaxBytes;
        var first = true;
        try
        {
            for (var i = 0; i < statuses.Length; i++)
            {
                results[i] = await ReadPartitionAsync(fetch, statuses[i], budget, first, ct);
                if (!results[i].Records.IsEmpty)
                {
                    budget -= results[i].Records.Length;
                    first = false;
                }
            }
        }
        catch
        {
            foreach (var result in results) result?.Dispose();
            throw;
        }
        return results;
    }

    private async ValueTask<FetchPartitionData> ReadPartitionAsync(FetchParams fetch, FetchPartitionStatus status, long budget, bool first, CancellationToken ct)
    {
        if (status.Partition is not { } partition) return FetchPartitionData.Failed(status.Error);
        // Leadership may have moved while the fetch waited: a property check, not another lookup.
        if (!partition.IsLeader || partition.LeaderEpoch != status.LeaderEpoch) return FetchPartitionData.Failed(ErrorCode.NotLeaderOrFollower);
        var log = partition.Log;
        var request = status.Request;
        if (fetch.IsFromFollower && Diverging(request, log) is { } diverging)
        {
            return new FetchPartitionData { HighWatermark = log.HighWatermark, LogStartOffset = log.LogStartOffset, DivergingEpoch = diverging };
        }
        var partitionBudget = (int)Math.Min(request.MaxBytes, Math.Max(0, budget));
        // The last stable offset before the high watermark: it is never above it, even if an append and
        // a commit land between the two reads.
        var lastStableOffset = partition.LastStableOffset;
        var highWatermark = Math.Max(log.HighWatermark, lastStableOffset);
        try
        {
            if (!fetch.IsFromFollower && Volatile.Read(ref _remoteLog)?.Reader is { } remote &&
                request.FetchOffset >= log.LogStartOffset && request.FetchOffset < log.LocalLogStartOffset)
            {
                return await ReadRemoteAsync(remote, partition, request, partitionBudget, first, fetch.ReadCommitted, ct);
            }
            var upperBound = fetch.IsFromFollower ? log.LogEndOffset : fetch.ReadCommitted ? lastStableOffset : highWatermark;
            var read = log.Read(request.FetchOffset, partitionBudget, upperBound, minOneMessage: first);
            if (read.IsEmpty)
            {
                read.Dispose();
                return new FetchPartitionData { HighWatermark = highWatermark, LastStableOffset = lastStableOffset, LogStartOffset = read.LogStartOffset };
            }
            var result = new FetchPartitionData
            {
                HighWatermark = highWatermark,
                LastStableOffset = lastStableOffset,
                LogStartOffset = read.LogStartOffset,
                AbortedTransactions = fetch.ReadCommitted ? AbortedBetween(log, request.FetchOffset, Math.Min(upperBound, read.UpperBoundOffset)) : null,
            };
            return result.WithRecords(new SegmentRecords(read).Memory);
        }
        catch (Exception e) when (LogErrors.ToErrorCode(e) != ErrorCode.UnknownServerError)
        {
            return new FetchPartitionData { Error = LogErrors.ToErrorCode(e), HighWatermark = log.HighWatermark, LogStartOffset = log.LogStartOffset };
        }
    }

    /// <summary>
    /// A consumer fetch below the local log start offset, from Blob storage: manifest → cached index →
    /// ranged, cached chunk reads. A storage failure is KAFKA_STORAGE_ERROR, which clients retry.
    /// </summary>
    private static async ValueTask<FetchPartitionData> ReadRemoteAsync(RemoteLogReader remote, Partition partition, FetchPartitionRequest request,
        int budget, bool first, bool readCommitted, CancellationToken ct)
    {
        var log = partition.Log;
        RemoteReadResult read;
        try
        {
            read = await remote.ReadAsync(log.TopicId, request.Key.Partition, request.FetchOffset, Math.Max(1, request.MaxBytes), minOneMessage: true, ct);
        }
        catch (RemoteStorageUnavailableException)
        {
            return new FetchPartitionData { Error = ErrorCode.KafkaStorageError, HighWatermark = log.HighWatermark, LogStartOffset = log.LogStartOffset };
        }
        using (read)
        {
            var lastStableOffset = partition.LastStableOffset;
            if (read.IsEmpty || (!first && budget < read.Length))
                return new FetchPartitionData { HighWatermark = log.HighWatermark, LastStableOffset = lastStableOffset, LogStartOffset = log.LogStartOffset };
            (long ProducerId, long FirstOffset)[]? aborted = null;
            if (readCommitted)
            {
                try
                {
                    var found = await remote.CollectAbortedTransactionsAsync(log.TopicId, request.Key.Partition, request.FetchOffset,
                        NextOffsetAfter(read.Records.Span), log, ct);
                    if (found.Count > 0) aborted = [.. found.Select(a => (a.ProducerId, a.FirstOffset))];
                }
                catch (RemoteStorageUnavailableException)
                {
                    return new FetchPartitionData { Error = ErrorCode.KafkaStorageError, HighWatermark = log.HighWatermark, LogStartOffset = log.LogStartOffset };
                }
            }
            var result = new FetchPartitionData
            {
                HighWatermark = log.HighWatermark,
                LastStableOffset = lastStableOffset,
                LogStartOffset = log.LogStartOffset,
                AbortedTransactions = aborted,
            };
            // The pooled array moves into the result, which returns it once the response is written.
            return result.WithRecords(read.DetachRecords());
        }
    }

    /// <summary>The offset after the last whole batch in <paramref name="records"/>.</summary>
    private static long NextOffsetAfter(ReadOnlySpan<byte> records)
    {
        var next = -1L;
        for (var position = 0; position + RecordBatch.HeaderSize <= records.Length;)
        {
            var header = BatchHeader.Read(records[position..]);
            next = header.LastOffset + 1;
            position += header.SizeInBytes;
        }
        return next;
    }

    /// <summary>
    /// The aborted transactions a read_committed consumer needs for records read from
    /// <paramref name="fetchOffset"/> up to <paramref name="upperBound"/> (Kafka's collectAbortedTxns, bounded
    /// by the end of the segment read, or the last stable offset, rather than the last batch read: the few
    /// extra entries past the data are harmless to the client).
    /// </summary>
    private static (long ProducerId, long FirstOffset)[]? AbortedBetween(PartitionLog log, long fetchOffset, long upperBound)
    {
        var aborted = log.CollectAbortedTransactions(fetchOffset, upperBound);
        if (aborted.Count == 0) return null;
        var result = new (long ProducerId, long FirstOffset)[aborted.Count];
        for (var i = 0; i < result.Length; i++) result[i] = (aborted[i].ProducerId, aborted[i].FirstOffset);
        return result;
    }

    /// <summary>
    /// Kafka's divergence check for a follower (KIP-320/595): if the leader's history ends the
    /// follower's last fetched epoch earlier than the fetch offset, or never had that epoch, the
    /// follower must truncate to the leader's end of it before fetching on.
    /// </summary>
    private static (int Epoch, long EndOffset)? Diverging(FetchPartitionRequest request, PartitionLog log)
    {
        var lastFetchedEpoch = request.LastFetchedEpoch;
        if (lastFetchedEpoch < 0 || request.FetchOffset < log.LogStartOffset) return null;
        var (epoch, endOffset) = log.EndOffsetForEpoch(lastFetchedEpoch);
        if (epoch < 0) return (-1, log.LogStartOffset);
        return epoch < lastFetchedEpoch || endOffset < request.FetchOffset ? (epoch, endOffset) : null;
    }
}
