using System.Buffers.Binary;
using Fjord.Log.Checkpoints;
using Fjord.Testing;
using Fjord.Testing.Records;

namespace Fjord.Tiering.Tests.Read;

/// <summary>
/// Writes a closed segment as the broker's log does (the batches back to back, a Kafka .index
/// entry once more than indexIntervalBytes were appended since the last, a .timeindex entry when
/// the max timestamp rises) and tiers it: upload, then CopyStarted → CopyFinished in the manifest.
/// </summary>
internal static class RemoteSegmentFiles
{
    public static async Task<RemoteSegmentMetadata> TierAsync(
        IRemoteStorage storage, IRemoteLogMetadataStore manifest, TempDirectory dir, Guid topicId, int partition,
        IReadOnlyList<byte[]> batches, int indexIntervalBytes = 4096)
    {
        var baseOffset = BinaryPrimitives.ReadInt64BigEndian(batches[0]);
        var log = dir.Combine($"{baseOffset:D20}.log");
        var index = dir.Combine($"{baseOffset:D20}.index");
        var timeIndex = dir.Combine($"{baseOffset:D20}.timeindex");
        using (var logStream = File.Create(log))
        using (var indexStream = File.Create(index))
        using (var timeStream = File.Create(timeIndex))
        {
            long position = 0, maxTimestamp = -1, offsetOfMax = baseOffset, lastIndexedTimestamp = -1;
            var sinceLastEntry = 0;
            var entry = new byte[12];
            foreach (var batch in batches)
            {
                var batchBase = BinaryPrimitives.ReadInt64BigEndian(batch);
                var lastOffset = batchBase + BinaryPrimitives.ReadInt32BigEndian(batch.AsSpan(23));
                var batchMax = BinaryPrimitives.ReadInt64BigEndian(batch.AsSpan(35));
                if (batchMax > maxTimestamp)
                {
                    maxTimestamp = batchMax;
                    offsetOfMax = batchBase;
                }

                if (sinceLastEntry > indexIntervalBytes)
                {
                    BinaryPrimitives.WriteInt32BigEndian(entry, (int)(lastOffset - baseOffset));
                    BinaryPrimitives.WriteInt32BigEndian(entry.AsSpan(4), (int)position);
                    indexStream.Write(entry, 0, 8);
                    if (maxTimestamp > lastIndexedTimestamp)
                    {
                        BinaryPrimitives.WriteInt64BigEndian(entry, maxTimestamp);
                        BinaryPrimitives.WriteInt32BigEndian(entry.AsSpan(8), (int)(offsetOfMax - baseOffset));
                        timeStream.Write(entry, 0, 12);
                        lastIndexedTimestamp = maxTimestamp;
                    }

                    sinceLastEntry = 0;
                }

                sinceLastEntry += batch.Length;
                logStream.Write(batch);
                position += batch.Length;
            }
        }

        var last = batches[^1];
        var endOffset = BinaryPrimitives.ReadInt64BigEndian(last) + BinaryPrimitives.ReadInt32BigEndian(last.AsSpan(23));
        var segment = new RemoteSegmentMetadata(
            topicId, "events", partition, Guid.NewGuid(), baseOffset, endOffset,
            batches.Max(b => BinaryPrimitives.ReadInt64BigEndian(b.AsSpan(35))), new FileInfo(log).Length,
            [new EpochEntry(0, baseOffset)], RemoteSegmentState.CopyStarted, 1, 0, DateTimeOffset.UnixEpoch.AddDays(20000));
        await storage.UploadAsync(segment, new LocalSegmentFiles(log, index, timeIndex, segment.LeaderEpochs), CancellationToken.None);
        Assert.True(await manifest.AddCopyStartedAsync(segment, CancellationToken.None));
        Assert.True(await manifest.TransitionAsync(topicId, partition, segment.SegmentId, RemoteSegmentState.CopyStarted, RemoteSegmentState.CopyFinished, CancellationToken.None));
        return segment with { State = RemoteSegmentState.CopyFinished };
    }

    /// <summary>
    /// <paramref name="count"/> batches of <paramref name="recordsPerBatch"/> records each, offsets from
    /// <paramref name="firstOffset"/>; record i of the log has timestamp <paramref name="startTimestamp"/> + 10·i.
    /// </summary>
    public static List<byte[]> Batches(long firstOffset, int count, int recordsPerBatch, int valueSize, long startTimestamp = 1_000_000)
    {
        var batches = new List<byte[]>();
        for (var b = 0; b < count; b++)
        {
            var baseOffset = firstOffset + ((long)b * recordsPerBatch);
            var builder = new RecordBatchBuilder(startTimestamp + (10 * baseOffset)).WithBaseOffset(baseOffset);
            for (var r = 0; r < recordsPerBatch; r++)
                builder.Add(null, new byte[valueSize], timestampDelta: 10 * r);
            batches.Add(builder.Build());
        }

        return batches;
    }
}
