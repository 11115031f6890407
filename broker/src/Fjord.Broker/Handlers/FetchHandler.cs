using System.Buffers;
using Fjord.Broker.Fetch;
using Fjord.Broker.Replication;
using Fjord.Broker.Server;
using Fjord.Cluster;
using Fjord.Log;
using Fjord.Protocol;

namespace Fjord.Broker.Handlers;

/// <summary>
/// Fetch 4–17 for consumers and follower replicas: incremental fetch sessions (KIP-227), topic
/// ids from v13, and a long-poll that waits for the high watermark (consumers) or the log end
/// (followers) to move rather than re-reading on a timer. A follower's fetch offset tells the
/// leader what it holds (ISR and high watermark), and a follower whose last fetched epoch
/// disagrees with the leader's history is told where to truncate (diverging epoch, v12+).
/// Record bytes go from the segment file into one pooled buffer per partition and from there
/// into the response; nothing is parsed or staged per record.
/// </summary>
public sealed partial class FetchHandler(BrokerContext context) : ApiHandler<FetchRequest, FetchResponse>
{
    public override ApiKey ApiKey => ApiKey.Fetch;
    public override short MinVersion => 4;
    public override short MaxVersion => 17;

    private sealed record Target(CachedFetchPartition Partition, TopicMetadata? Topic, int LastFetchedEpoch = -1);

    protected override async ValueTask<FetchResponse?> HandleAsync(RequestContext request, FetchRequest body, CancellationToken ct)
    {
        var version = request.ApiVersion;
        var session = OpenSession(body, version, out var sessionError, out var incremental);
        if (sessionError != ErrorCode.None)
            return new FetchResponse { ErrorCode = (short)sessionError, SessionId = 0 };

        var targets = ResolveTargets(body, version, session);
        var replicaId = version >= 15 ? body.ReplicaState.ReplicaId : body.ReplicaId;
        if (replicaId >= 0) RecordFollowerFetches(targets, replicaId);
        var maxBytes = version >= 3 ? body.MaxBytes : int.MaxValue;
        var deadline = context.Time.GetTimestamp() + (long)(Math.Max(0, body.MaxWaitMs) * (context.Time.TimestampFrequency / 1000.0));

        while (true)
        {
            // Take the wake-up tasks before reading, so an advance between the read and the wait is not missed.
            var wakeUps = new List<Task>(targets.Count);
            var (available, anyError) = Probe(targets, maxBytes, wakeUps, replicaId >= 0);
            var remaining = context.Time.GetElapsedTime(context.Time.GetTimestamp(), deadline);
            if (available >= body.MinBytes || anyError || remaining <= TimeSpan.Zero || wakeUps.Count == 0)
                break;
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(remaining);
            var delay = Task.Delay(Timeout.InfiniteTimeSpan, timeout.Token);
            wakeUps.Add(delay);
            await Task.WhenAny(wakeUps);
            await timeout.CancelAsync();
        }
        var remote = replicaId < 0 && context.Tiering is { } tiering ? await ReadRemoteAsync(targets, tiering, ct) : null;
        return BuildResponse(targets, version, maxBytes, session, incremental, replicaId >= 0, remote);
    }

    /// <summary>
    /// Consumer fetches below the local log start offset are served from Blob storage (KIP-405):
    /// manifest → cached index → ranged, cached chunk reads. Done before the response is built, which
    /// stays synchronous. A storage failure is KAFKA_STORAGE_ERROR, which clients retry.
    /// </summary>
    private async Task<Dictionary<CachedFetchPartition, (Fjord.Tiering.RemoteReadResult? Read, ErrorCode Error)>?> ReadRemoteAsync(
        List<Target> targets, Tiering.TierManager tiering, CancellationToken ct)
    {
        Dictionary<CachedFetchPartition, (Fjord.Tiering.RemoteReadResult?, ErrorCode)>? reads = null;
        foreach (var target in targets)
        {
            if (ErrorFor(target, out var partition) != ErrorCode.None || partition is null) continue;
            var log = partition.Log;
            var fetchOffset = target.Partition.FetchOffset;
            if (fetchOffset < log.LogStartOffset || fetchOffset >= log.LocalLogStartOffset) continue;
            reads ??= [];
            try
            {
                reads[target.Partition] = (await tiering.Reader.ReadAsync(log.TopicId, target.Partition.Key.Partition, fetchOffset,
                    Math.Max(1, target.Partition.MaxBytes), minOneMessage: true, ct), ErrorCode.None);
            }
            catch (Fjord.Tiering.RemoteStorageUnavailableException)
            {
                reads[target.Partition] = (null, ErrorCode.KafkaStorageError);
            }
        }
        return reads;
    }

    /// <summary>A follower's fetch offsets are its log end offsets: the leader's view of what the ISR holds.</summary>
    private void RecordFollowerFetches(List<Target> targets, int replicaId)
    {
        foreach (var target in targets)
        {
            // A fetch past our end or from a diverged history says nothing about what the follower
            // holds of *our* log: it must truncate first, and must not count towards commits.
            if (ErrorFor(target, out var partition) != ErrorCode.None || partition is null) continue;
            var log = partition.Log;
            if (target.Partition.FetchOffset > log.LogEndOffset || target.Partition.FetchOffset < log.LogStartOffset || Diverging(target, log) is not null) continue;
            partition.RecordFollowerFetch(replicaId, target.Partition.FetchOffset);
        }
    }

    private FetchSession? OpenSession(FetchRequest body, short version, out ErrorCode error, out bool incremental)
    {
        error = ErrorCode.None;
        incremental = false;
        if (version < 7) return null;
        var cache = context.FetchSessions;
        switch (body.SessionEpoch)
        {
            case -1: // FINAL_EPOCH: close any session, then a sessionless full fetch.
                if (body.SessionId != 0) cache.Remove(body.SessionId);
                return null;
            case 0: // INITIAL_EPOCH: a new full session.
                if (body.SessionId != 0) cache.Remove(body.SessionId);
                return cache.Create();
        }
        var session = cache.Get(body.SessionId);
        if (session is null)
        {
            error = ErrorCode.FetchSessionIdNotFound;
            return null;
        }
        lock (session.Gate)
        {
            if (session.NextEpoch != body.SessionEpoch)
            {
                error = ErrorCode.InvalidFetchSessionEpoch;
                return null;
            }
            session.NextEpoch = session.NextEpoch == int.MaxValue ? 1 : session.NextEpoch + 1;
        }
        incremental = true;
        return session;
    }

    private List<Target> ResolveTargets(FetchRequest body, short version, FetchSession? session)
    {
        var snapshot = context.Metadata.Current;
        var byId = version >= 13;
        TopicMetadata? Lookup(string? name, Guid id) =>
            byId ? snapshot.TopicsById.GetValueOrDefault(id) : name is null ? null : snapshot.TopicsByName.GetValueOrDefault(name);

        if (session is null)
        {
            var direct = new List<Target>();
            foreach (var topic in body.Topics)
            {
                var metadata = Lookup(topic.Topic, topic.TopicId);
                foreach (var p in topic.Partitions)
                {
                    var cached = new CachedFetchPartition(new FetchPartitionKey(metadata?.Name ?? topic.Topic ?? "", topic.TopicId, p.Partition))
                    {
                        FetchOffset = p.FetchOffset,
                        MaxBytes = p.PartitionMaxBytes,
                        CurrentLeaderEpoch = p.CurrentLeaderEpoch,
                    };
                    direct.Add(new Target(cached, metadata, p.LastFetchedEpoch));
                }
            }
            return direct;
        }

        lock (session.Gate)
        {
            foreach (var forgotten in body.ForgottenTopicsData)
                foreach (var partition in forgotten.Partitions)
                    session.Forget(forgotten.Topic, forgotten.TopicId, partition);
            foreach (var topic in body.Topics)
            {
                var metadata = Lookup(topic.Topic, topic.TopicId);
                var name = metadata?.Name ?? topic.Topic ?? "";
                foreach (var p in topic.Partitions)
                    session.AddOrUpdate(new FetchPartitionKey(name, byId ? topic.TopicId : Guid.Empty, p.Partition), p.FetchOffset, p.PartitionMaxBytes, p.CurrentLeaderEpoch);
            }
            return session.Partitions.Select(p => new Target(p, byId ? snapshot.TopicsById.GetValueOrDefault(p.Key.TopicId) : snapshot.TopicsByName.GetValueOrDefault(p.Key.Topic))).ToList();
        }
    }

    /// <summary>Counts the bytes a response would carry now, without copying any.</summary>
    private (long Bytes, bool AnyError) Probe(List<Target> targets, int maxBytes, List<Task> wakeUps, bool replica)
    {
        long bytes = 0;
        var anyError = false;
        foreach (var target in targets)
        {
            if (ErrorFor(target, out var partition) != ErrorCode.None || partition is null)
            {
                anyError = true;
                continue;
            }
            var log = partition.Log;
            var fetchOffset = target.Partition.FetchOffset;
            // Followers wait for data, consumers for data that is committed.
            wakeUps.Add(replica ? log.WaitForAppendAsync(fetchOffset, CancellationToken.None) : partition.Signal.NextAdvance);
            if (replica && Diverging(target, log) is not null)
            {
                anyError = true;
                continue;
            }
            if (bytes >= maxBytes) continue;
            var highWatermark = replica ? log.LogEndOffset : log.HighWatermark;
            if (fetchOffset < log.LogStartOffset || fetchOffset > log.LogEndOffset)
            {
                anyError = true;
                continue;
            }
            if (fetchOffset < log.LocalLogStartOffset)
            {
                bytes += 1; // in the remote tier: answer now rather than long-poll
                continue;
            }
            if (fetchOffset < highWatermark)
            {
                try
                {
                    using var read = log.Read(fetchOffset, target.Partition.MaxBytes, highWatermark, minOneMessage: true);
                    bytes += read.Length;
                }
                catch (Exception e) when (LogErrors.ToErrorCode(e) != ErrorCode.UnknownServerError)
                {
                    anyError = true;
                }
            }
        }
        return (bytes, anyError);
    }

    private ErrorCode ErrorFor(Target target, out HostedPartition? partition)
    {
        partition = null;
        var topic = target.Topic;
        if (topic is null || target.Partition.Key.Partition < 0 || target.Partition.Key.Partition >= topic.PartitionCount)
            return target.Partition.Key.TopicId != Guid.Empty && topic is null ? ErrorCode.UnknownTopicId : ErrorCode.UnknownTopicOrPartition;
        partition = context.Replicas.GetLeader(topic, target.Partition.Key.Partition, target.Partition.CurrentLeaderEpoch, out var error);
        return error;
    }

    /// <summary>
    /// Kafka's divergence check for a follower (KIP-320/595): if the leader's history ends the
    /// follower's last fetched epoch earlier than the fetch offset, or never had that epoch, the
    /// follower must truncate to the leader's end of it before fetching on.
    /// </summary>
    private static (int Epoch, long EndOffset)? Diverging(Target target, PartitionLog log)
    {
        var lastFetchedEpoch = target.LastFetchedEpoch;
        if (lastFetchedEpoch < 0 || target.Partition.FetchOffset < log.LogStartOffset) return null;
        var (epoch, endOffset) = log.EndOffsetForEpoch(lastFetchedEpoch);
        if (epoch < 0) return (-1, log.LogStartOffset);
        return epoch < lastFetchedEpoch || endOffset < target.Partition.FetchOffset ? (epoch, endOffset) : null;
    }

    private FetchResponse BuildResponse(List<Target> targets, short version, int maxBytes, FetchSession? session, bool incremental, bool replica,
        Dictionary<CachedFetchPartition, (Fjord.Tiering.RemoteReadResult? Read, ErrorCode Error)>? remote)
    {
        var response = new FetchResponse { SessionId = session?.Id ?? 0 };
        var byId = version >= 13;
        FetchResponse.FetchableTopicResponse? current = null;
        long budget = maxBytes;
        var first = true;
        foreach (var target in targets)
        {
            var partition = remote is not null && remote.Remove(target.Partition, out var cold)
                ? RemotePartition(target, cold, ref budget, ref first)
                : ReadPartition(target, ref budget, ref first, replica);
            if (incremental && !target.Partition.MustRespond(partition.HighWatermark, partition.LogStartOffset,
                    partition.Records is { } r ? r.Length : 0, partition.ErrorCode != 0))
            {
                ReturnBuffer(partition);
                continue;
            }
            target.Partition.MarkSent(partition.HighWatermark, partition.LogStartOffset);
            if (current is null || (byId ? current.TopicId != target.Partition.Key.TopicId : current.Topic != target.Partition.Key.Topic))
            {
                current = new FetchResponse.FetchableTopicResponse { Topic = target.Partition.Key.Topic, TopicId = target.Partition.Key.TopicId };
                response.Responses.Add(current);
            }
            current.Partitions.Add(partition);
        }
        return response;
    }

    private FetchResponse.PartitionData RemotePartition(Target target, (Fjord.Tiering.RemoteReadResult? Read, ErrorCode Error) cold, ref long budget, ref bool first)
    {
        using var read = cold.Read;
        var result = new FetchResponse.PartitionData
        {
            PartitionIndex = target.Partition.Key.Partition,
            ErrorCode = (short)cold.Error,
            Records = ReadOnlyMemory<byte>.Empty,
        };
        ErrorFor(target, out var hosted);
        var log = hosted?.Log;
        result.HighWatermark = log?.HighWatermark ?? -1;
        result.LastStableOffset = result.HighWatermark;
        result.LogStartOffset = log?.LogStartOffset ?? -1;
        if (read is { IsEmpty: false } && (first || budget >= read.Length))
        {
            // The pooled array moves into the response; AfterWrite returns it like a local read's.
            budget -= read.Length;
            result.Records = read.DetachRecords();
            first = false;
        }
        return result;
    }

    private FetchResponse.PartitionData ReadPartition(Target target, ref long budget, ref bool first, bool replica)
    {
        var result = new FetchResponse.PartitionData
        {
            PartitionIndex = target.Partition.Key.Partition,
            HighWatermark = -1,
            LastStableOffset = -1,
            LogStartOffset = -1,
            Records = ReadOnlyMemory<byte>.Empty,
        };
        var error = ErrorFor(target, out var hosted);
        if (error != ErrorCode.None || hosted is null)
        {
            result.ErrorCode = (short)error;
            return result;
        }
        var log = hosted.Log;
        if (replica && Diverging(target, log) is { } diverging)
        {
            result.HighWatermark = log.HighWatermark;
            result.LastStableOffset = log.HighWatermark;
            result.LogStartOffset = log.LogStartOffset;
            result.DivergingEpoch.Epoch = diverging.Epoch;
            result.DivergingEpoch.EndOffset = diverging.EndOffset;
            return result;
        }
        try
        {
            var partitionBudget = (int)Math.Min(target.Partition.MaxBytes, Math.Max(0, budget));
            var highWatermark = log.HighWatermark;
            using var read = log.Read(target.Partition.FetchOffset, partitionBudget, replica ? log.LogEndOffset : highWatermark, minOneMessage: first);
            result.HighWatermark = highWatermark;
            result.LastStableOffset = highWatermark;
            result.LogStartOffset = read.LogStartOffset;
            if (!read.IsEmpty)
            {
                var buffer = ArrayPool<byte>.Shared.Rent(read.Length);
                read.CopyTo(buffer);
                result.Records = buffer.AsMemory(0, read.Length);
                budget -= read.Length;
                first = false;
            }
        }
        catch (Exception e) when (LogErrors.ToErrorCode(e) != ErrorCode.UnknownServerError)
        {
            result.ErrorCode = (short)LogErrors.ToErrorCode(e);
            result.HighWatermark = log.HighWatermark;
            result.LastStableOffset = log.HighWatermark;
            result.LogStartOffset = log.LogStartOffset;
        }
        return result;
    }

    protected override void AfterWrite(FetchResponse response)
    {
        foreach (var topic in response.Responses)
            foreach (var partition in topic.Partitions)
                ReturnBuffer(partition);
    }

    private static void ReturnBuffer(FetchResponse.PartitionData partition)
    {
        if (partition.Records is { Length: > 0 } records &&
            System.Runtime.InteropServices.MemoryMarshal.TryGetArray(records, out var segment) && segment.Array is { } array)
        {
            ArrayPool<byte>.Shared.Return(array);
            partition.Records = ReadOnlyMemory<byte>.Empty;
        }
    }
}
