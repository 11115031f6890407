using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Confluent.Kafka;
using Fjord.Broker.TestHost;
using Fjord.Broker.Tests.Cluster;
using Fjord.Broker.Tests.Infrastructure;
using Fjord.Testing;
using Fjord.Tiering;

namespace Fjord.Broker.Tests.Tiering;

/// <summary>
/// KIP-405 crash safety against a real broker process on Azurite: the broker kills itself (SIGKILL)
/// at one step of a copy or a remote deletion, restarts without the fault point, and once tiering
/// has settled the manifest and the container agree (only CopyFinished entries, each with its four
/// blobs, no orphan blob), the remote ranges tile the log with no gap or overlap, and a consumer
/// from the earliest offset reads every acked record above the log start exactly once, byte-exact.
/// </summary>
[Collection(BrokerCollection.Name)]
public sealed class TierCrashTests(AzuriteFixture azurite)
{
    private const string Topic = "crashy";
    private const int SegmentBytes = 1024 * 1024;
    private const int Batch = 2_000;

    // Enough to reach any point: copy points need one closed segment, delete points a few past retention.bytes.
    private const int MaxRecordsBeforeCrash = 120_000;

    // More than a segment's worth, so at least one segment holding only post-restart data is copied.
    private const int RecordsAfterRestart = 14_000;

    private static readonly TimeSpan SettleTimeout = TimeSpan.FromSeconds(90);

    public static TheoryData<string> Points => new(TierFaultPoints.All);

    [Theory]
    [MemberData(nameof(Points))]
    public async Task AfterABrokerKilledAtTheFaultPointRestartsTheManifestAndTheContainerAgreeAndNoAckedRecordIsLostOrDuplicated(string point)
    {
        var id = Guid.NewGuid().ToString("N");
        var manifestTable = "crash" + id;
        var containerName = "crash-" + id;
        var deletes = point.StartsWith("delete.", StringComparison.Ordinal);
        await using var harness = await FjordTestCluster.StartAsync(FjordTestClusterOptions.FaultTolerant(azurite.Host, 1).WithSettings(new Dictionary<string, string>
        {
            ["remote.log.manager.task.interval.ms"] = "200",
            ["fjord.tiering.table"] = manifestTable,
            ["fjord.tiering.container"] = containerName,
            ["offsets.topic.replication.factor"] = "1",
        }) with
        {
            // The test host is the broker with fault-injecting storage; the restart runs it without fault points.
            EntryDll = Path.Combine(AppContext.BaseDirectory, "Fjord.Broker.TestHost.dll"),
            FirstIncarnationSettings = new Dictionary<string, string> { [TierFaultPoints.Setting] = point },
        });
        var blobs = new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient(containerName);
        var manifest = new TableRemoteLogMetadataStore(new TableServiceClient(azurite.ConnectionString), manifestTable);
        try
        {
            await harness.CreateTopicAsync(Topic, 1, 1, new Dictionary<string, string>
            {
                ["remote.storage.enable"] = "true",
                ["segment.bytes"] = SegmentBytes.ToString(CultureInfo.InvariantCulture),
                ["local.retention.bytes"] = (2 * SegmentBytes).ToString(CultureInfo.InvariantCulture),
                ["retention.ms"] = "-1",
                // Delete points need remote segments to outgrow the total; copy points must never delete.
                ["retention.bytes"] = deletes ? (3 * SegmentBytes).ToString(CultureInfo.InvariantCulture) : "-1",
            });
            var topicId = (await harness.Store.GetTopicAsync(Topic, CancellationToken.None))?.TopicId
                ?? throw new InvalidOperationException("the topic has no metadata row");

            var acked = new ConcurrentDictionary<long, int>();
            var conflicts = new ConcurrentQueue<string>();
            var next = Produce(harness, 0, MaxRecordsBeforeCrash, acked, conflicts, stopWhenDown: true);
            Assert.True(await harness.WaitForExitAsync(0, TimeSpan.FromSeconds(60)),
                $"the broker never hit {point} after {next} records\n{harness.Logs()}");
            Assert.Contains($"FJORD_FAULT_POINT {point}", harness.Logs(400), StringComparison.Ordinal);
            var (crashEntries, crashBlobs) = await SnapshotAsync(manifest, blobs, topicId);
            var interrupted = AssertCrashLeftWhatThePointPromises(point, crashEntries, crashBlobs, harness);

            await harness.RestartAsync(0);
            var ackedBeforeRestart = acked.Count;
            var firstAfterRestart = next;
            var end = Produce(harness, next, RecordsAfterRestart, acked, conflicts, stopWhenDown: false);
            Assert.True(acked.Count - ackedBeforeRestart == end - firstAfterRestart,
                $"only {acked.Count - ackedBeforeRestart} of {end - firstAfterRestart} records produced after the restart were acked\n{harness.Logs(100)}");
            var firstOffsetAfterRestart = acked.Where(a => a.Value >= firstAfterRestart).Min(a => a.Key);

            // Tiering runs on; a snapshot taken mid-copy shows a CopyStarted entry and its blobs for a
            // moment, so wait for a settled one. A broken invariant that persists fails the wait.
            var problems = "(not checked yet)";
            try
            {
                await Poll.UntilAsync(async () =>
                {
                    problems = await CheckTierAsync(manifest, blobs, topicId, firstOffsetAfterRestart, requireFromZero: !deletes);
                    return problems.Length == 0;
                }, SettleTimeout, "the tier to settle");
            }
            catch (TimeoutException e)
            {
                Assert.Fail($"{e.Message} Last check: {problems}\n{harness.Logs(150)}");
            }

            Assert.True(conflicts.IsEmpty, $"two acked records at one offset: {string.Join("; ", conflicts.Take(5))}");
            var logStart = await AssertEveryAckedRecordReadOnceAsync(harness, acked);
            if (deletes)
            {
                // The interrupted deletion was retention's: the log start must have passed its range for good.
                Assert.True(logStart > interrupted.EndOffset, $"log start {logStart} is inside the interrupted deletion [{interrupted.BaseOffset}..{interrupted.EndOffset}]");
            }
        }
        finally
        {
            await blobs.DeleteIfExistsAsync();
            await new TableServiceClient(azurite.ConnectionString).DeleteTableAsync(manifestTable);
        }
    }

    /// <summary>
    /// Produces records <paramref name="first"/>.. with acks=all in batches; each ack's offset goes into
    /// <paramref name="acked"/>. With <paramref name="stopWhenDown"/> it stops once the broker process
    /// has died (records in flight then fail, which is fine). Returns the next record number.
    /// </summary>
    private static int Produce(FjordTestCluster harness, int first, int count, ConcurrentDictionary<long, int> acked,
        ConcurrentQueue<string> conflicts, bool stopWhenDown)
    {
        var config = KafkaClients.ProducerConfig(harness.BootstrapServers, Acks.All);
        // Sends the kill cut off fail within seconds rather than a minute.
        config.MessageTimeoutMs = 10_000;
        // "Every acked record once" holds only for an idempotent producer: a plain one resends a batch whose answer
        // came late (a busy two-core machine right after the restart), and Kafka then rightly keeps both copies.
        config.EnableIdempotence = true;
        using var producer = KafkaClients.Producer(config);
        var next = first;
        while (next < first + count && !(stopWhenDown && !harness[0].IsRunning))
        {
            for (var b = 0; b < Batch && next < first + count; b++, next++)
            {
                var record = next;
                var message = new Message<byte[], byte[]> { Key = Key(record), Value = Value(record) };
                while (true)
                {
                    try
                    {
                        producer.Produce(Topic, message, r =>
                        {
                            if (r.Error.IsError)
                                return;
                            if (!acked.TryAdd(r.Offset.Value, record) && acked[r.Offset.Value] != record)
                                conflicts.Enqueue($"offset {r.Offset.Value}: records {acked[r.Offset.Value]} and {record}");
                        });
                        break;
                    }
                    catch (ProduceException<byte[], byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
                    {
                        producer.Poll(TimeSpan.FromMilliseconds(50));
                    }
                }
            }

            producer.Flush(TimeSpan.FromSeconds(30));
        }

        return next;
    }

    /// <summary>
    /// The state the dead broker left, before any restart repairs it: proof that the point fired where
    /// its name says. Returns the entry the crash interrupted.
    /// </summary>
    private static RemoteSegmentMetadata AssertCrashLeftWhatThePointPromises(string point, List<RemoteSegmentMetadata> entries, Dictionary<Guid, List<string>> blobFiles,
        FjordTestCluster harness)
    {
        var (state, minBlobs, maxBlobs) = point switch
        {
            TierFaultPoints.AfterCopyStarted => (RemoteSegmentState.CopyStarted, 0, 0),
            TierFaultPoints.UploadMidFiles => (RemoteSegmentState.CopyStarted, 1, 4),
            TierFaultPoints.AfterUpload => (RemoteSegmentState.CopyStarted, 5, 5),
            TierFaultPoints.AfterCopyFinished => (RemoteSegmentState.CopyFinished, 5, 5),
            TierFaultPoints.AfterDeleteStarted => (RemoteSegmentState.DeleteStarted, 5, 5),
            TierFaultPoints.AfterBlobsDeleted => (RemoteSegmentState.DeleteStarted, 0, 0),
            TierFaultPoints.AfterDeleteFinished => (RemoteSegmentState.DeleteFinished, 0, 0),
            _ => throw new ArgumentOutOfRangeException(nameof(point), point, "no expectation for this point"),
        };
        var described = string.Join("; ", entries.Select(e => $"{e.State} [{e.BaseOffset}..{e.EndOffset}] blobs {blobFiles.GetValueOrDefault(e.SegmentId)?.Count ?? 0}"))
            + "\n" + harness.Logs(60);
        if (state == RemoteSegmentState.CopyFinished)
        {
            // The copy finished just before the kill: nothing is left half done.
            Assert.True(entries.Count > 0 && entries.All(e => e.State == state), $"after {point}: {described}");
            return entries[^1];
        }

        var unfinished = entries.Where(e => e.State != RemoteSegmentState.CopyFinished).ToList();
        Assert.True(unfinished.Count == 1, $"after {point} one unfinished entry was expected: {described}");
        var blobs = blobFiles.GetValueOrDefault(unfinished[0].SegmentId)?.Count ?? 0;
        Assert.True(unfinished[0].State == state && blobs >= minBlobs && blobs <= maxBlobs,
            $"after {point} a {state} entry with {minBlobs}..{maxBlobs} blobs was expected: {described}");
        return unfinished[0];
    }

    /// <summary>The partition's manifest entries by base offset and the blob files (extensions) of each segment id in the container.</summary>
    private static async Task<(List<RemoteSegmentMetadata> Entries, Dictionary<Guid, List<string>> BlobFiles)> SnapshotAsync(
        TableRemoteLogMetadataStore manifest, BlobContainerClient blobs, Guid topicId)
    {
        var entries = (await manifest.ListAsync(topicId, 0, CancellationToken.None)).OrderBy(e => e.BaseOffset).ToList();
        var prefix = $"{topicId:D}/0/";
        var blobFiles = new Dictionary<Guid, List<string>>();
        await foreach (var blob in blobs.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix, CancellationToken.None))
        {
            // <base:D20>-<segmentId>.<ext>
            var name = blob.Name[prefix.Length..];
            var dot = name.IndexOf('.', StringComparison.Ordinal);
            var segmentId = Guid.ParseExact(name[21..dot], "D");
            if (!blobFiles.TryGetValue(segmentId, out var files))
                blobFiles[segmentId] = files = [];
            files.Add(name[(dot + 1)..]);
        }

        return (entries, blobFiles);
    }

    /// <summary>What is wrong with the tier now: empty when settled and consistent.</summary>
    private static async Task<string> CheckTierAsync(TableRemoteLogMetadataStore manifest, BlobContainerClient blobs, Guid topicId,
        long firstOffsetAfterRestart, bool requireFromZero)
    {
        var (entries, blobFiles) = await SnapshotAsync(manifest, blobs, topicId);
        var problems = new List<string>();
        if (entries.Count == 0 || entries[^1].EndOffset < firstOffsetAfterRestart)
            problems.Add($"no segment with post-restart data (from offset {firstOffsetAfterRestart}) is copied yet; last entry ends at {(entries.Count == 0 ? -1 : entries[^1].EndOffset)}");
        if (requireFromZero && entries.Count > 0 && entries[0].BaseOffset != 0)
            problems.Add($"with no retention the first entry starts at {entries[0].BaseOffset}, not 0");
        foreach (var entry in entries.Where(e => e.State != RemoteSegmentState.CopyFinished))
            problems.Add($"entry {entry.SegmentId} [{entry.BaseOffset}..{entry.EndOffset}] is {entry.State}");
        var entryIds = entries.Select(e => e.SegmentId).ToHashSet();
        foreach (var orphan in blobFiles.Keys.Where(k => !entryIds.Contains(k)))
            problems.Add($"orphan blobs of segment {orphan}: {string.Join(',', blobFiles[orphan])}");
        foreach (var entry in entries)
        {
            var files = blobFiles.GetValueOrDefault(entry.SegmentId) ?? [];
            if (!files.Order(StringComparer.Ordinal).SequenceEqual(["index", "leader-epoch-checkpoint", "log", "snapshot", "timeindex"]))
                problems.Add($"entry {entry.SegmentId} [{entry.BaseOffset}..{entry.EndOffset}] has blobs [{string.Join(',', files)}]");
        }

        for (var i = 1; i < entries.Count; i++)
        {
            if (entries[i].BaseOffset != entries[i - 1].EndOffset + 1)
                problems.Add($"entries [{entries[i - 1].BaseOffset}..{entries[i - 1].EndOffset}] and [{entries[i].BaseOffset}..{entries[i].EndOffset}] are not contiguous");
        }

        return string.Join("; ", problems);
    }

    /// <summary>
    /// Every offset from the log start to the high watermark once; each acked record at its offset,
    /// byte-exact. Returns the log start offset.
    /// </summary>
    private static async Task<long> AssertEveryAckedRecordReadOnceAsync(FjordTestCluster harness, ConcurrentDictionary<long, int> acked)
    {
        var (low, high, read) = await ReadWholeLogAsync(harness);
        var byOffset = new Dictionary<long, ConsumeResult<byte[], byte[]>>();
        var seen = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var result in read)
        {
            byOffset[result.Offset.Value] = result;
            var value = Encoding.UTF8.GetString(result.Message.Value);
            Assert.True(seen.TryAdd(value, result.Offset.Value), $"'{value[..15]}' at offsets {seen.GetValueOrDefault(value)} and {result.Offset.Value}");
        }

        var checkedRecords = 0;
        foreach (var (offset, record) in acked.Where(a => a.Key >= low))
        {
            Assert.True(byOffset.TryGetValue(offset, out var result), $"acked record {record} at offset {offset} is missing (log [{low}, {high}))");
            Assert.Equal(Key(record), result.Message.Key);
            Assert.Equal(Value(record), result.Message.Value);
            checkedRecords++;
        }

        Assert.True(checkedRecords >= RecordsAfterRestart, $"only {checkedRecords} acked records above the log start {low}");
        return low;
    }

    /// <summary>
    /// The log from its start to the high watermark, read in one pass during which the start did not
    /// move: remote retention may still be catching up after the restart, and a consumer whose position
    /// retention deletes jumps forward (offset out of range → earliest), which is no gap in the log.
    /// </summary>
    private static async Task<(long Low, long High, List<ConsumeResult<byte[], byte[]>> Records)> ReadWholeLogAsync(FjordTestCluster harness)
    {
        (long, long, List<ConsumeResult<byte[], byte[]>>)? whole = null;
        var last = "(no read yet)";
        try
        {
            await Poll.UntilAsync(() =>
            {
                using var consumer = KafkaClients.Consumer(harness.BootstrapServers);
                var partition = new TopicPartition(Topic, 0);
                var before = consumer.QueryWatermarkOffsets(partition, TimeSpan.FromSeconds(10));
                var (low, high) = (before.Low.Value, before.High.Value);
                consumer.Assign(new TopicPartitionOffset(partition, Offset.Beginning));
                var records = new List<ConsumeResult<byte[], byte[]>>();
                var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
                while ((records.Count == 0 || records[^1].Offset.Value < high - 1) && DateTime.UtcNow < deadline)
                {
                    if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { IsPartitionEOF: false } result)
                        records.Add(result);
                }

                var after = consumer.QueryWatermarkOffsets(partition, TimeSpan.FromSeconds(10));
                consumer.Close();
                var consecutive = records.Count == high - low && records.Select((r, i) => r.Offset.Value == low + i).All(ok => ok);
                last = $"log [{low}, {high}) then [{after.Low.Value}, {after.High.Value}); read {records.Count} records from offset {(records.Count == 0 ? -1 : records[0].Offset.Value)}, consecutive: {consecutive}";
                if (after.Low.Value != low || !consecutive)
                    return false;
                whole = (low, high, records);
                return true;
            }, TimeSpan.FromSeconds(120), "one read of the whole log while its start stays put");
        }
        catch (TimeoutException e)
        {
            Assert.Fail($"{e.Message} Last attempt: {last}\n{harness.Logs(100)}");
        }

        return whole!.Value;
    }

    private static byte[] Key(int record) => Encoding.UTF8.GetBytes($"k{record}");

    private static byte[] Value(int record) => Encoding.UTF8.GetBytes($"value-{record:D8}-{new string((char)('a' + record % 26), 80)}");
}
