using Fjord.Log;
using Fjord.Log.Records;
using Fjord.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Fjord.Tiering.Tests.Read;

/// <summary>
/// Aborted transactions for a read_committed fetch of tiered offsets: the .txnindex files the log wrote
/// travel with their segments, a segment without one means no aborts, and the search goes on into the
/// local log when the abort marker is not tiered yet.
/// </summary>
public sealed class RemoteLogReaderTransactionTests : IDisposable
{
    private const long ProducerA = 10;
    private const long ProducerB = 11;
    private static readonly CancellationToken Ct = CancellationToken.None;

    private readonly TempDirectory _dir = new();
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UnixEpoch.AddDays(100));
    private readonly CountingRemoteStorage _storage = new(new InMemoryRemoteStorage());
    private readonly InMemoryRemoteLogMetadataStore _manifest = new();
    private readonly PartitionLog _log;

    public RemoteLogReaderTransactionTests()
    {
        _log = PartitionLog.Open(Path.Combine(_dir.Path, "events-0"), Guid.NewGuid(), LogConfig.Default, _clock, NullLogger.Instance, hadCleanShutdown: false, recoveryPoint: 0);
    }

    public void Dispose()
    {
        _log.Close();
        _dir.Dispose();
    }

    [Fact]
    public async Task AbortsComeFromTheUploadedTxnIndexAndFromTheLocalLogWhenTheMarkerIsNotTiered()
    {
        await WriteAndTierAsync();
        var reader = new RemoteLogReader(_manifest, _storage);

        Assert.Equal([new AbortedTransaction(ProducerA, 0)], await reader.CollectAbortedTransactionsAsync(_log.TopicId, 0, 0, 4, null, Ct));
        // B's marker is in the local active segment: the remote tier alone cannot know it was aborted.
        Assert.Empty(await reader.CollectAbortedTransactionsAsync(_log.TopicId, 0, 4, 7, null, Ct));
        Assert.Equal([new AbortedTransaction(ProducerB, 4)], await reader.CollectAbortedTransactionsAsync(_log.TopicId, 0, 4, 7, _log, Ct));
        // Segment 0 is both tiered and local: A's abort is reported once.
        Assert.Equal(
            [new AbortedTransaction(ProducerA, 0), new AbortedTransaction(ProducerB, 4)],
            await reader.CollectAbortedTransactionsAsync(_log.TopicId, 0, 0, 10, _log, Ct));
    }

    [Fact]
    public async Task ATxnIndexIsDownloadedOnceAndASegmentWithoutOneHasNoAborts()
    {
        await WriteAndTierAsync();
        var reader = new RemoteLogReader(_manifest, _storage);
        _storage.Reset();

        var first = await reader.CollectAbortedTransactionsAsync(_log.TopicId, 0, 7, 10, null, Ct);
        var requests = _storage.Reads + _storage.LengthRequests;
        var second = await reader.CollectAbortedTransactionsAsync(_log.TopicId, 0, 7, 10, null, Ct);

        Assert.Empty(first);
        Assert.Same(first, second);
        Assert.Equal(requests, _storage.Reads + _storage.LengthRequests);
    }

    /// <summary>
    /// Segment 0: A's transaction 0-2 and its abort marker at 3. Segment 4: B's transaction 4-6 and plain
    /// records 7-9 (no aborts, so no .txnindex). Active segment 10: B's abort marker. Segments 0 and 4 are tiered.
    /// </summary>
    private async Task WriteAndTierAsync()
    {
        var nowMs = _clock.GetUtcNow().ToUnixTimeMilliseconds();
        _log.AppendAsLeader(Transactional(ProducerA, nowMs), 0);
        _log.AppendAsLeader(TransactionMarker.Build(ProducerA, 0, 0, commit: false, nowMs), 0, AppendOrigin.Coordinator);
        _log.Roll();
        _log.AppendAsLeader(Transactional(ProducerB, nowMs), 0);
        _log.AppendAsLeader(new Fjord.Testing.Records.RecordBatchBuilder(nowMs).Add("k", "v").Add("k", "v").Add("k", "v").Build(), 0);
        _log.Roll();
        _log.AppendAsLeader(TransactionMarker.Build(ProducerB, 0, 0, commit: false, nowMs), 0, AppendOrigin.Coordinator);
        _log.UpdateHighWatermark(_log.LogEndOffset);

        var tiered = new PartitionLogTieredLog(_log, _ => 0).Segments.Where(s => s.BaseOffset < 10).ToList();
        Assert.Equal([0L, 4L], tiered.Select(s => s.BaseOffset));
        Assert.True(File.Exists(tiered[0].TransactionIndexFile));
        Assert.False(File.Exists(tiered[1].TransactionIndexFile));
        foreach (var local in tiered)
        {
            var segment = new RemoteSegmentMetadata(
                _log.TopicId, "events", 0, Guid.NewGuid(), local.BaseOffset, local.EndOffset, local.MaxTimestamp, local.SizeInBytes,
                _log.LeaderEpochs.Entries, RemoteSegmentState.CopyStarted, 1, 0, _clock.GetUtcNow());
            await _storage.UploadAsync(segment, new LocalSegmentFiles(local.LogFile, local.OffsetIndexFile, local.TimeIndexFile, segment.LeaderEpochs, TransactionIndexFile: local.TransactionIndexFile), Ct);
            await _manifest.AddCopyStartedAsync(segment, Ct);
            await _manifest.TransitionAsync(_log.TopicId, 0, segment.SegmentId, RemoteSegmentState.CopyStarted, RemoteSegmentState.CopyFinished, Ct);
        }
    }

    private static byte[] Transactional(long producerId, long nowMs)
    {
        var bytes = new Fjord.Testing.Records.RecordBatchBuilder(nowMs).WithProducer(producerId, 0, 0).Add("k", "v").Add("k", "v").Add("k", "v").Build();
        var batch = new RecordBatch(bytes);
        System.Buffers.Binary.BinaryPrimitives.WriteInt16BigEndian(bytes.AsSpan(RecordBatch.AttributesOffset), (short)(batch.Attributes | RecordBatch.TransactionalFlagMask));
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(RecordBatch.CrcOffset), batch.ComputeCrc());
        return bytes;
    }
}
