using System.Buffers;
using Fjord.Broker.Fetch;
using Fjord.Broker.Server;
using Fjord.Cluster;
using Fjord.Log;
using Fjord.Protocol;

namespace Fjord.Broker.Handlers;

/// <summary>
/// Fetch 4–17 for consumers: incremental fetch sessions (KIP-227), topic ids from v13, and a
/// long-poll that waits for the high watermark to move rather than re-reading on a timer.
/// Record bytes go from the segment file into one pooled buffer per partition and from there
/// into the response; nothing is parsed or staged per record.
/// </summary>
public sealed partial class FetchHandler(BrokerContext context) : ApiHandler<FetchRequest, FetchResponse>
{
    public override ApiKey ApiKey => ApiKey.Fetch;
    public override short MinVersion => 4;
    public override short MaxVersion => 17;

    private sealed record Target(CachedFetchPartition Partition, TopicMetadata? Topic);

    protected override async ValueTask<FetchResponse?> HandleAsync(RequestContext request, FetchRequest body, CancellationToken ct)
    {
        var version = request.ApiVersion;
        var session = OpenSession(body, version, out var sessionError, out var incremental);
        if (sessionError != ErrorCode.None)
            return new FetchResponse { ErrorCode = (short)sessionError, SessionId = 0 };

        var targets = ResolveTargets(body, version, session);
        var maxBytes = version >= 3 ? body.MaxBytes : int.MaxValue;
        var deadline = context.Time.GetTimestamp() + (long)(Math.Max(0, body.MaxWaitMs) * (context.Time.TimestampFrequency / 1000.0));

        while (true)
        {
            // Take the wake-up tasks before reading, so an advance between the read and the wait is not missed.
            var wakeUps = new List<Task>(targets.Count);
            var (available, anyError) = Probe(targets, maxBytes, wakeUps);
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
        return BuildResponse(targets, version, maxBytes, session, incremental);
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
                    direct.Add(new Target(cached, metadata));
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
    private (long Bytes, bool AnyError) Probe(List<Target> targets, int maxBytes, List<Task> wakeUps)
    {
        long bytes = 0;
        var anyError = false;
        foreach (var target in targets)
        {
            if (ErrorFor(target, out var log) != ErrorCode.None || log is null)
            {
                anyError = true;
                continue;
            }
            wakeUps.Add(context.Replicas.SignalFor(log).NextAdvance);
            if (bytes >= maxBytes) continue;
            var fetchOffset = target.Partition.FetchOffset;
            var highWatermark = log.HighWatermark;
            if (fetchOffset < log.LogStartOffset || fetchOffset > log.LogEndOffset)
            {
                anyError = true;
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

    private ErrorCode ErrorFor(Target target, out PartitionLog? log)
    {
        log = null;
        var topic = target.Topic;
        if (topic is null || target.Partition.Key.Partition < 0 || target.Partition.Key.Partition >= topic.PartitionCount)
            return target.Partition.Key.TopicId != Guid.Empty && topic is null ? ErrorCode.UnknownTopicId : ErrorCode.UnknownTopicOrPartition;
        if (ReplicaManager.CheckCurrentLeaderEpoch(target.Partition.CurrentLeaderEpoch) is var epochError and not ErrorCode.None)
            return epochError;
        log = context.Replicas.GetOrCreateLog(topic, target.Partition.Key.Partition);
        return ErrorCode.None;
    }

    private FetchResponse BuildResponse(List<Target> targets, short version, int maxBytes, FetchSession? session, bool incremental)
    {
        var response = new FetchResponse { SessionId = session?.Id ?? 0 };
        var byId = version >= 13;
        FetchResponse.FetchableTopicResponse? current = null;
        long budget = maxBytes;
        var first = true;
        foreach (var target in targets)
        {
            var partition = ReadPartition(target, ref budget, ref first);
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

    private FetchResponse.PartitionData ReadPartition(Target target, ref long budget, ref bool first)
    {
        var result = new FetchResponse.PartitionData
        {
            PartitionIndex = target.Partition.Key.Partition,
            HighWatermark = -1,
            LastStableOffset = -1,
            LogStartOffset = -1,
            Records = ReadOnlyMemory<byte>.Empty,
        };
        var error = ErrorFor(target, out var log);
        if (error != ErrorCode.None || log is null)
        {
            result.ErrorCode = (short)error;
            return result;
        }
        try
        {
            var partitionBudget = (int)Math.Min(target.Partition.MaxBytes, Math.Max(0, budget));
            using var read = log.Read(target.Partition.FetchOffset, partitionBudget, log.HighWatermark, minOneMessage: first);
            result.HighWatermark = read.HighWatermark;
            result.LastStableOffset = read.HighWatermark;
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
