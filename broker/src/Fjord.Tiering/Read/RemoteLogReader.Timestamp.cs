using System.Buffers;

namespace Fjord.Tiering;

public sealed partial class RemoteLogReader
{
    /// <summary>
    /// The first offset whose timestamp is at least <paramref name="timestamp"/> in the remote
    /// segments (ListOffsets by time), or null when none has one. Segments whose max timestamp is
    /// lower are skipped without a download; inside a segment the time index and offset index
    /// narrow the scan of batch headers; inside an uncompressed CreateTime batch the records are
    /// scanned for the exact offset, otherwise the batch's base offset is returned.
    /// </summary>
    public async Task<long?> FindOffsetByTimestampAsync(Guid topicId, int partition, long timestamp, CancellationToken ct)
    {
        try
        {
            // Timestamp lookups are rare (ListOffsets), so they always see the current manifest.
            var segments = await RefreshAsync(topicId, partition, ct).ConfigureAwait(false);
            foreach (var segment in segments)
            {
                if (segment.MaxTimestamp < timestamp)
                    continue;
                var found = await FindInSegmentAsync(segment, timestamp, ct).ConfigureAwait(false);
                if (found is not null)
                    return found;
            }

            return null;
        }
        catch (Exception e) when (IsStorageFailure(e, ct))
        {
            throw Unavailable(topicId, partition, -1, e);
        }
    }

    private async Task<long?> FindInSegmentAsync(RemoteSegmentMetadata segment, long timestamp, CancellationToken ct)
    {
        var timeIndex = await _indexes.GetAsync(segment, RemoteFileType.TimeIndex, ct).ConfigureAwait(false);
        var offsetIndex = await _indexes.GetAsync(segment, RemoteFileType.OffsetIndex, ct).ConfigureAwait(false);
        // Every batch before the time index's offset has a smaller timestamp, so the scan starts at
        // the indexed batch at or before it.
        var position = offsetIndex.LookupPosition(timeIndex.LookupOffset(timestamp));
        var header = new byte[RemoteBatchHeader.Size];
        while (await ReadHeaderAsync(segment, position, header, ct).ConfigureAwait(false) is { } batch)
        {
            if (batch.MaxTimestamp >= timestamp)
            {
                return batch.HasPlainCreateTimeRecords
                    ? await FindInBatchAsync(segment, position, batch, timestamp, ct).ConfigureAwait(false)
                    : batch.BaseOffset;
            }

            position += batch.SizeInBytes;
        }

        return null;
    }

    private async Task<long> FindInBatchAsync(RemoteSegmentMetadata segment, long position, RemoteBatchHeader batch, long timestamp, CancellationToken ct)
    {
        var size = (int)batch.SizeInBytes;
        var bytes = ArrayPool<byte>.Shared.Rent(size);
        try
        {
            var read = await _chunks.CopyAsync(segment, position, bytes.AsMemory(0, size), ct).ConfigureAwait(false);
            return RecordTimestampScan.FirstOffsetAtOrAfter(bytes.AsSpan(0, read), batch, timestamp) ?? batch.BaseOffset;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }
}
