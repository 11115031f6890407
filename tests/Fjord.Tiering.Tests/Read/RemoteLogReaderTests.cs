using System.Buffers.Binary;
using Fjord.Testing;

namespace Fjord.Tiering.Tests.Read;

public sealed class RemoteLogReaderTests : IDisposable
{
    private const int SmallChunk = 64 * 1024;
    private static readonly CancellationToken Ct = CancellationToken.None;

    private readonly TempDirectory _dir = new();
    private readonly CountingRemoteStorage _storage = new(new InMemoryRemoteStorage());
    private readonly InMemoryRemoteLogMetadataStore _manifest = new();
    private readonly Guid _topicId = Guid.NewGuid();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task AReadAtASegmentsBaseOffsetReturnsItsFirstWholeBatches()
    {
        var batches = RemoteSegmentFiles.Batches(0, 50, 4, 100);
        await TierAsync(batches, indexIntervalBytes: 1024);
        var reader = new RemoteLogReader(_manifest, _storage);

        using var result = await reader.ReadAsync(_topicId, 0, 0, batches.Take(3).Sum(b => b.Length), minOneMessage: false, Ct);

        Assert.Equal(Concat(batches.Take(3)), result.Records.ToArray());
    }

    [Fact]
    public async Task AReadInsideABatchReturnsTheWholeBatchHoldingTheOffset()
    {
        var batches = RemoteSegmentFiles.Batches(0, 50, 4, 100);
        await TierAsync(batches, indexIntervalBytes: 1024);
        var reader = new RemoteLogReader(_manifest, _storage);

        using var result = await reader.ReadAsync(_topicId, 0, (4 * 20) + 2, batches[20].Length + 10, minOneMessage: false, Ct);

        Assert.Equal(batches[20], result.Records.ToArray());
    }

    [Fact]
    public async Task AReadAtTheLastBatchReturnsItAndAReadPastTheRemoteRangeReturnsNothing()
    {
        var batches = RemoteSegmentFiles.Batches(0, 50, 4, 100);
        await TierAsync(batches, indexIntervalBytes: 1024);
        var reader = new RemoteLogReader(_manifest, _storage);

        using var last = await reader.ReadAsync(_topicId, 0, 199, 1024 * 1024, minOneMessage: false, Ct);
        using var past = await reader.ReadAsync(_topicId, 0, 200, 1024 * 1024, minOneMessage: true, Ct);
        using var otherPartition = await reader.ReadAsync(_topicId, 1, 0, 1024 * 1024, minOneMessage: true, Ct);

        Assert.Equal(batches[^1], last.Records.ToArray());
        Assert.True(past.IsEmpty);
        Assert.True(otherPartition.IsEmpty);
    }

    [Fact]
    public async Task AReadContinuesIntoTheNextSegmentWhenItFollowsWithoutAGap()
    {
        var first = RemoteSegmentFiles.Batches(0, 10, 4, 100);
        var second = RemoteSegmentFiles.Batches(40, 10, 4, 100);
        await TierAsync(first, indexIntervalBytes: 512);
        await TierAsync(second, indexIntervalBytes: 512);
        var reader = new RemoteLogReader(_manifest, _storage);

        using var across = await reader.ReadAsync(_topicId, 0, 38, 1024 * 1024, minOneMessage: false, Ct);
        using var limited = await reader.ReadAsync(_topicId, 0, 37, first[9].Length + second[0].Length, minOneMessage: false, Ct);
        using var inSecond = await reader.ReadAsync(_topicId, 0, 40, second[0].Length, minOneMessage: false, Ct);

        Assert.Equal(Concat([first[9], .. second]), across.Records.ToArray());
        Assert.Equal(Concat([first[9], second[0]]), limited.Records.ToArray());
        Assert.Equal(second[0], inSecond.Records.ToArray());
    }

    [Fact]
    public async Task MaxBytesReturnsOnlyWholeBatchesAndMinOneMessageReturnsOneBatchLargerThanIt()
    {
        var batches = RemoteSegmentFiles.Batches(0, 50, 4, 100);
        await TierAsync(batches, indexIntervalBytes: 1024);
        var reader = new RemoteLogReader(_manifest, _storage);

        using var twoAndAHalf = await reader.ReadAsync(_topicId, 0, 8, batches[2].Length + batches[3].Length + (batches[4].Length / 2), minOneMessage: false, Ct);
        using var tooSmall = await reader.ReadAsync(_topicId, 0, 8, 10, minOneMessage: false, Ct);
        using var atLeastOne = await reader.ReadAsync(_topicId, 0, 8, 10, minOneMessage: true, Ct);
        using var zero = await reader.ReadAsync(_topicId, 0, 8, 0, minOneMessage: true, Ct);

        Assert.Equal(Concat([batches[2], batches[3]]), twoAndAHalf.Records.ToArray());
        Assert.True(tooSmall.IsEmpty);
        Assert.Equal(batches[2], atLeastOne.Records.ToArray());
        Assert.Equal(batches[2], zero.Records.ToArray());
    }

    [Fact]
    public async Task ASequentialConsumerDownloadsEachChunkOnceAndTheIndexOnce()
    {
        var batches = RemoteSegmentFiles.Batches(0, 128, 4, 1000);
        var segment = await TierAsync(batches);
        var indexLength = await _storage.GetLengthAsync(segment, RemoteFileType.OffsetIndex, Ct);
        _storage.Reset();
        var reader = new RemoteLogReader(_manifest, _storage, new RemoteLogReaderOptions { ChunkSize = SmallChunk });

        var consumed = await ConsumeAllAsync(reader, 16 * 1024);

        var chunks = (segment.SizeInBytes + SmallChunk - 1) / SmallChunk;
        Assert.Equal(Concat(batches), consumed);
        Assert.Equal(segment.SizeInBytes + indexLength, _storage.ReadBytes);
        Assert.Equal(chunks + 1, _storage.Reads);
    }

    [Fact]
    public async Task TheChunkCacheStaysWithinItsByteBudget()
    {
        var batches = RemoteSegmentFiles.Batches(0, 128, 4, 1000);
        await TierAsync(batches);
        var reader = new RemoteLogReader(_manifest, _storage, new RemoteLogReaderOptions { ChunkSize = SmallChunk, ChunkCacheBytes = 2 * SmallChunk });

        var consumed = await ConsumeAllAsync(reader, 16 * 1024);

        Assert.Equal(Concat(batches), consumed);
        Assert.InRange(reader.CachedChunkBytes, 1, 2 * SmallChunk);
    }

    [Fact]
    public async Task AReadInTheSecondHalfOfAChunkDownloadsTheNextChunkAhead()
    {
        var batches = RemoteSegmentFiles.Batches(0, 128, 4, 1000);
        await TierAsync(batches);
        var reader = new RemoteLogReader(_manifest, _storage, new RemoteLogReaderOptions { ChunkSize = SmallChunk });
        // The first batch starting after 40 KiB lies wholly in the second half of chunk 0.
        var starts = batches.Select((b, i) => batches.Take(i).Sum(x => (long)x.Length)).ToList();
        var inSecondHalf = starts.FindIndex(p => p > 40 * 1024);
        var inNextChunk = starts.FindIndex(p => p > SmallChunk + 1024);
        _storage.Reset();

        using (await reader.ReadAsync(_topicId, 0, inSecondHalf * 4L, batches[inSecondHalf].Length, minOneMessage: false, Ct))
        {
        }

        // The index, chunk 0, and chunk 1 read ahead without anyone asking for it.
        await Poll.UntilAsync(() => _storage.Reads == 3, TimeSpan.FromSeconds(10), "the read-ahead of chunk 1");
        _storage.Reset();
        using var next = await reader.ReadAsync(_topicId, 0, inNextChunk * 4L, batches[inNextChunk].Length, minOneMessage: false, Ct);
        Assert.Equal(batches[inNextChunk], next.Records.ToArray());
        Assert.Equal(0, _storage.Reads);
    }

    [Fact]
    public async Task AOneKibReadFromATwentyMibSegmentDownloadsAtMostTwoChunks()
    {
        var batches = RemoteSegmentFiles.Batches(0, 22_000, 1, 900);
        var segment = await TierAsync(batches);
        Assert.True(segment.SizeInBytes > 20 * 1024 * 1024);
        var indexLength = await _storage.GetLengthAsync(segment, RemoteFileType.OffsetIndex, Ct);
        _storage.Reset();
        var reader = new RemoteLogReader(_manifest, _storage);

        using var result = await reader.ReadAsync(_topicId, 0, 12_345, 1024, minOneMessage: true, Ct);

        Assert.Equal(batches[12_345], result.Records.ToArray());
        Assert.InRange(_storage.ReadBytes - indexLength, 1, 2 * 1024 * 1024);
        Assert.InRange(_storage.Reads, 2, 3);
    }

    [Fact]
    public async Task ATimestampLookupFindsTheFirstRecordAtOrAfterItAcrossSegments()
    {
        // Record at offset o has timestamp 1_000_000 + 10·o; offsets 200..399 are in the second segment.
        await TierAsync(RemoteSegmentFiles.Batches(0, 50, 4, 100), indexIntervalBytes: 1024);
        await TierAsync(RemoteSegmentFiles.Batches(200, 50, 4, 100), indexIntervalBytes: 1024);
        var reader = new RemoteLogReader(_manifest, _storage);

        Assert.Equal(0, await reader.FindOffsetByTimestampAsync(_topicId, 0, 0, Ct));
        Assert.Equal(85, await reader.FindOffsetByTimestampAsync(_topicId, 0, 1_000_850, Ct));
        Assert.Equal(85, await reader.FindOffsetByTimestampAsync(_topicId, 0, 1_000_845, Ct));
        Assert.Equal(199, await reader.FindOffsetByTimestampAsync(_topicId, 0, 1_001_990, Ct));
        Assert.Equal(200, await reader.FindOffsetByTimestampAsync(_topicId, 0, 1_001_991, Ct));
        Assert.Equal(303, await reader.FindOffsetByTimestampAsync(_topicId, 0, 1_003_030, Ct));
        Assert.Null(await reader.FindOffsetByTimestampAsync(_topicId, 0, 1_003_991, Ct));
    }

    [Fact]
    public async Task ATimestampLookupDownloadsNothingOfSegmentsWhoseMaxTimestampIsBelowIt()
    {
        await TierAsync(RemoteSegmentFiles.Batches(0, 50, 4, 100), indexIntervalBytes: 1024);
        var second = await TierAsync(RemoteSegmentFiles.Batches(200, 50, 4, 100), indexIntervalBytes: 1024);
        var reader = new RemoteLogReader(_manifest, _storage);
        _storage.Reset();

        Assert.Equal(200, await reader.FindOffsetByTimestampAsync(_topicId, 0, 1_002_000, Ct));

        // The second segment's time index, offset index and first chunk; nothing of the first.
        Assert.Equal(3, _storage.Reads);
        Assert.True(_storage.ReadBytes <= second.SizeInBytes + (2 * 1024));
    }

    [Fact]
    public async Task ACancelledReadIsReportedAsCancelledNotAsAnOutage()
    {
        await TierAsync(RemoteSegmentFiles.Batches(0, 10, 4, 100));
        var reader = new RemoteLogReader(_manifest, _storage);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => reader.ReadAsync(_topicId, 0, 0, 1024, minOneMessage: true, cancelled.Token));
    }

    [Fact]
    public async Task AStorageFailureIsARetriableRemoteStorageUnavailableExceptionAndTheNextReadSucceeds()
    {
        var failing = new FailingRemoteStorage(new InMemoryRemoteStorage());
        var batches = RemoteSegmentFiles.Batches(0, 10, 4, 100);
        await RemoteSegmentFiles.TierAsync(failing, _manifest, _dir, _topicId, 0, batches);
        var reader = new RemoteLogReader(_manifest, failing);
        failing.Failing = true;

        var read = await Assert.ThrowsAsync<RemoteStorageUnavailableException>(() => reader.ReadAsync(_topicId, 0, 0, 1024, minOneMessage: true, Ct));
        var lookup = await Assert.ThrowsAsync<RemoteStorageUnavailableException>(() => reader.FindOffsetByTimestampAsync(_topicId, 0, 0, Ct));

        Assert.True(read.IsRetriable);
        Assert.IsType<IOException>(read.InnerException);
        Assert.IsType<IOException>(lookup.InnerException);
        failing.Failing = false;
        using var result = await reader.ReadAsync(_topicId, 0, 0, 1024, minOneMessage: true, Ct);
        Assert.Equal(batches[0], result.Records.Span[..batches[0].Length].ToArray());
    }

    [Fact]
    public async Task ASegmentTieredAfterTheListingWasCachedIsFoundByRefreshingIt()
    {
        var first = RemoteSegmentFiles.Batches(0, 10, 4, 100);
        var second = RemoteSegmentFiles.Batches(40, 10, 4, 100);
        await TierAsync(first);
        var reader = new RemoteLogReader(_manifest, _storage);
        using (var before = await reader.ReadAsync(_topicId, 0, 40, 1024, minOneMessage: true, Ct))
            Assert.True(before.IsEmpty);

        await TierAsync(second);
        using var after = await reader.ReadAsync(_topicId, 0, 40, second[0].Length, minOneMessage: true, Ct);

        Assert.Equal(second[0], after.Records.ToArray());
    }

    private Task<RemoteSegmentMetadata> TierAsync(List<byte[]> batches, int indexIntervalBytes = 4096) =>
        RemoteSegmentFiles.TierAsync(_storage, _manifest, _dir, _topicId, 0, batches, indexIntervalBytes);

    /// <summary>Fetches from offset 0 until the remote range ends, as a consumer would, and returns every byte received.</summary>
    private async Task<byte[]> ConsumeAllAsync(RemoteLogReader reader, int maxBytes)
    {
        var received = new List<byte>();
        long offset = 0;
        while (true)
        {
            using var result = await reader.ReadAsync(_topicId, 0, offset, maxBytes, minOneMessage: true, Ct);
            if (result.IsEmpty)
                return [.. received];
            received.AddRange(result.Records.ToArray());
            offset = NextOffset(result.Records.Span);
        }
    }

    private static long NextOffset(ReadOnlySpan<byte> records)
    {
        long next = -1;
        while (!records.IsEmpty)
        {
            next = BinaryPrimitives.ReadInt64BigEndian(records) + BinaryPrimitives.ReadInt32BigEndian(records[23..]) + 1;
            records = records[(12 + BinaryPrimitives.ReadInt32BigEndian(records[8..]))..];
        }

        return next;
    }

    private static byte[] Concat(IEnumerable<byte[]> batches) => batches.SelectMany(b => b).ToArray();
}
