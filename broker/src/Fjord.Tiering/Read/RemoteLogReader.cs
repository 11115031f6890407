using System.Buffers;
using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Fjord.Tiering;

/// <summary>
/// Serves fetches below the local log start from the remote tier (the read path of Kafka's
/// RemoteLogManager): manifest listing (cached per partition) → the segment's offset index
/// (downloaded once, cached) → ranged reads of the segment blob through a bounded chunk cache.
/// Returns whole batches only, so the consumer cannot tell which tier served it. Any failure of
/// the manifest or of storage surfaces as a retriable <see cref="RemoteStorageUnavailableException"/>.
/// </summary>
public sealed partial class RemoteLogReader
{
    private readonly IRemoteLogMetadataStore _metadata;
    private readonly ILogger _logger;
    private readonly RemoteChunkCache _chunks;
    private readonly RemoteIndexCache _indexes;
    private readonly RemoteTxnIndexCache _txnIndexes;
    private readonly ConcurrentDictionary<(Guid TopicId, int Partition), RemoteSegmentMetadata[]> _listings = new();

    public RemoteLogReader(IRemoteLogMetadataStore metadata, IRemoteStorage storage, RemoteLogReaderOptions? options = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        ArgumentNullException.ThrowIfNull(storage);
        options ??= new RemoteLogReaderOptions();
        options.Validate();
        _metadata = metadata;
        _logger = logger ?? NullLogger.Instance;
        _chunks = new RemoteChunkCache(storage, options.ChunkSize, options.ChunkCacheBytes, _logger);
        _indexes = new RemoteIndexCache(storage, options.IndexCacheSegments);
        _txnIndexes = new RemoteTxnIndexCache(storage, options.IndexCacheSegments);
    }

    /// <summary>Bytes of segment chunks cached now.</summary>
    public long CachedChunkBytes => _chunks.CachedBytes;

    /// <summary>
    /// Whole batches from the one holding <paramref name="fetchOffset"/>, up to
    /// <paramref name="maxBytes"/> (or exactly one larger batch when <paramref name="minOneMessage"/>),
    /// continuing into the next remote segment when it follows without a gap. Empty when no
    /// CopyFinished segment holds the offset: past the remote range, or below it (the caller
    /// answers OFFSET_OUT_OF_RANGE from the log start offset it already knows).
    /// </summary>
    public async Task<RemoteReadResult> ReadAsync(Guid topicId, int partition, long fetchOffset, int maxBytes, bool minOneMessage, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(fetchOffset);
        ArgumentOutOfRangeException.ThrowIfNegative(maxBytes);
        byte[]? buffer = null;
        try
        {
            var segments = await FindSegmentsAsync(topicId, partition, fetchOffset, ct).ConfigureAwait(false);
            var length = 0;
            var offset = fetchOffset;
            var index = FindIndex(segments, fetchOffset);
            while (index >= 0)
            {
                var segment = segments[index];
                var (start, end, full) = await SelectBatchesAsync(segment, offset, maxBytes - length, minOneMessage && length == 0, ct).ConfigureAwait(false);
                if (end > start)
                {
                    buffer = Grow(buffer, length, length + (int)(end - start));
                    var copied = await _chunks.CopyAsync(segment, start, buffer.AsMemory(length, (int)(end - start)), ct).ConfigureAwait(false);
                    if (copied != end - start)
                        throw new RemoteStorageUnavailableException($"Remote segment {segment.SegmentId} ended inside a batch it had just listed.");
                    length += copied;
                }

                if (full)
                    break;
                offset = segment.EndOffset + 1;
                index = NextContiguous(segments, index);
            }

            var result = buffer is null ? RemoteReadResult.Empty : RemoteReadResult.FromPooled(buffer, length);
            buffer = null;
            return result;
        }
        catch (Exception e) when (IsStorageFailure(e, ct))
        {
            throw Unavailable(topicId, partition, fetchOffset, e);
        }
        finally
        {
            if (buffer is not null)
                ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// The batches to return from one segment: [start, end) in bytes, and whether the byte budget
    /// stopped the walk (true) or the segment ended (false).
    /// </summary>
    private async Task<(long Start, long End, bool Full)> SelectBatchesAsync(RemoteSegmentMetadata segment, long offset, int budget, bool minOne, CancellationToken ct)
    {
        var index = await _indexes.GetAsync(segment, RemoteFileType.OffsetIndex, ct).ConfigureAwait(false);
        var position = index.LookupPosition(offset);
        long start = -1, end = -1;
        var header = new byte[RemoteBatchHeader.Size];
        while (true)
        {
            var batch = await ReadHeaderAsync(segment, position, header, ct).ConfigureAwait(false);
            if (batch is not { } b)
                return start < 0 ? (0, 0, false) : (start, end, false);
            if (b.LastOffset < offset)
            {
                position += b.SizeInBytes;
                continue;
            }

            if (start < 0)
                start = end = position;
            var taken = end - start;
            if (taken + b.SizeInBytes > budget && !(minOne && taken == 0))
                return (start, end, true);
            end = position + b.SizeInBytes;
            position = end;
        }
    }

    /// <summary>The header of the batch at <paramref name="position"/>, or null at the segment's end (or where its bytes stop making sense).</summary>
    private async Task<RemoteBatchHeader?> ReadHeaderAsync(RemoteSegmentMetadata segment, long position, byte[] header, CancellationToken ct)
    {
        if (position >= segment.SizeInBytes)
            return null;
        var read = await _chunks.CopyAsync(segment, position, header, ct).ConfigureAwait(false);
        var batch = read == header.Length ? RemoteBatchHeader.Parse(header) : default;
        if (read == header.Length && batch.IsPlausible && position + batch.SizeInBytes <= segment.SizeInBytes)
            return batch;
        RemoteLogReaderLog.BadBatch(_logger, segment.SegmentId, position);
        return null;
    }

    /// <summary>The partition's readable segments, refreshed from the manifest when the cached listing has none holding <paramref name="offset"/>.</summary>
    private async Task<RemoteSegmentMetadata[]> FindSegmentsAsync(Guid topicId, int partition, long offset, CancellationToken ct)
    {
        if (_listings.TryGetValue((topicId, partition), out var cached) && FindIndex(cached, offset) >= 0)
            return cached;
        return await RefreshAsync(topicId, partition, ct).ConfigureAwait(false);
    }

    private async Task<RemoteSegmentMetadata[]> RefreshAsync(Guid topicId, int partition, CancellationToken ct)
    {
        var all = await _metadata.ListAsync(topicId, partition, ct).ConfigureAwait(false);
        var readable = all.Where(s => s.State == RemoteSegmentState.CopyFinished).OrderBy(s => s.BaseOffset).ThenBy(s => s.EventTime).ToArray();
        _listings[(topicId, partition)] = readable;
        return readable;
    }

    /// <summary>The last listed segment holding <paramref name="offset"/> (the newest upload when two overlap), or -1.</summary>
    private static int FindIndex(RemoteSegmentMetadata[] segments, long offset)
    {
        for (var i = segments.Length - 1; i >= 0; i--)
        {
            if (segments[i].BaseOffset <= offset && offset <= segments[i].EndOffset)
                return i;
        }

        return -1;
    }

    private static int NextContiguous(RemoteSegmentMetadata[] segments, int index)
    {
        var next = segments[index].EndOffset + 1;
        for (var i = segments.Length - 1; i > index; i--)
        {
            if (segments[i].BaseOffset == next)
                return i;
        }

        return -1;
    }

    private static byte[] Grow(byte[]? buffer, int used, int needed)
    {
        if (buffer is not null && buffer.Length >= needed)
            return buffer;
        var grown = ArrayPool<byte>.Shared.Rent(needed);
        if (buffer is not null)
        {
            buffer.AsSpan(0, used).CopyTo(grown);
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return grown;
    }

    private const long FailureWarningIntervalMs = 30_000;

    private long _lastFailureWarningMs = long.MinValue / 2;

    // The caller's own cancellation is not an outage; everything else from the manifest or storage is.
    private static bool IsStorageFailure(Exception e, CancellationToken ct) =>
        e is not RemoteStorageUnavailableException && !(e is OperationCanceledException && ct.IsCancellationRequested);

    private RemoteStorageUnavailableException Unavailable(Guid topicId, int partition, long offset, Exception e)
    {
        // A failed read may mean the listing is stale (retention deleted a segment): list again next time.
        _listings.TryRemove((topicId, partition), out _);
        // Consumers retry a cold read every few hundred ms through an outage: one warning with the cause
        // per half minute says it all; the repeats go to debug.
        var now = Environment.TickCount64;
        var last = Interlocked.Read(ref _lastFailureWarningMs);
        if (now - last >= FailureWarningIntervalMs && Interlocked.CompareExchange(ref _lastFailureWarningMs, now, last) == last)
            RemoteLogReaderLog.ReadFailed(_logger, topicId, partition, offset, e);
        else
            RemoteLogReaderLog.ReadFailedAgain(_logger, topicId, partition, offset, e.GetBaseException().Message);
        return new RemoteStorageUnavailableException($"Remote storage failed reading {topicId}-{partition} at offset {offset}.", e);
    }
}
