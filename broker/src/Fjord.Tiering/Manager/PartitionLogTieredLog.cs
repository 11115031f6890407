using System.Buffers.Binary;
using System.Globalization;
using Fjord.Log;
using Fjord.Log.Checkpoints;

namespace Fjord.Tiering;

/// <summary>
/// <see cref="ITieredLog"/> over Fjord.Log's <see cref="PartitionLog"/>, from its public surface and
/// its Kafka file layout. A closed segment ends one before the next segment's base offset (Kafka's
/// RLM takes the same end offset), its size is its .log file (trimmed when it was rolled), and its
/// largest timestamp is the last .timeindex entry (Kafka appends the segment's max timestamp there
/// when it is rolled; Fjord too), else the .log's modification time, as Kafka's largestTimestamp.
/// PartitionLog has no way yet to delete local segments without moving the log start offset that
/// consumers see, so the caller supplies it.
/// </summary>
public sealed class PartitionLogTieredLog(PartitionLog log, Func<long, int> deleteLocalSegmentsBefore) : ITieredLog
{
    private const int TimeIndexEntrySize = 12;

    public Guid TopicId => log.TopicId;

    public string Topic => log.Topic;

    public int Partition => log.Partition;

    public long LogStartOffset => log.LogStartOffset;

    public long HighWatermark => log.HighWatermark;

    public long LastStableOffset
    {
        get
        {
            var highWatermark = log.HighWatermark;
            return log.FirstUnstableOffset is { } unstable && unstable < highWatermark ? unstable : highWatermark;
        }
    }

    public IReadOnlyList<EpochEntry> LeaderEpochs => log.LeaderEpochs.Entries;

    public IReadOnlyList<TieredLogSegment> Segments
    {
        get
        {
            var logEndOffset = log.LogEndOffset;
            var baseOffsets = log.SegmentBaseOffsets;
            var result = new List<TieredLogSegment>(baseOffsets.Count);
            for (var i = 0; i < baseOffsets.Count; i++)
            {
                var baseOffset = baseOffsets[i];
                var endOffset = i + 1 < baseOffsets.Count ? baseOffsets[i + 1] - 1 : logEndOffset - 1;
                var logFile = PathOf(baseOffset, ".log");
                if (i + 1 == baseOffsets.Count)
                {
                    // The active segment is never tiered; its size is what the log reports beyond the closed ones.
                    var closedBytes = result.Sum(s => s.SizeInBytes);
                    result.Add(new TieredLogSegment(baseOffset, endOffset, -1, Math.Max(0, log.Size - closedBytes), logFile, PathOf(baseOffset, ".index"), PathOf(baseOffset, ".timeindex")));
                    break;
                }

                var segment = TryDescribe(baseOffset, endOffset);
                if (segment is null)
                {
                    // Deleted since the snapshot (DeleteRecords or truncation): the older ones are gone too.
                    result.Clear();
                    continue;
                }

                result.Add(segment);
            }

            return result;
        }
    }

    public int DeleteLocalSegmentsBefore(long offset) => deleteLocalSegmentsBefore(offset);

    private TieredLogSegment? TryDescribe(long baseOffset, long endOffset)
    {
        var logFile = PathOf(baseOffset, ".log");
        var timeIndexFile = PathOf(baseOffset, ".timeindex");
        try
        {
            var size = new FileInfo(logFile).Length;
            return new TieredLogSegment(baseOffset, endOffset, LargestTimestamp(logFile, timeIndexFile), size, logFile, PathOf(baseOffset, ".index"), timeIndexFile,
                Fjord.Log.Producers.ProducerSnapshotFile.PathFor(log.TopicPartitionDirectory, endOffset + 1), PathOf(baseOffset, ".txnindex"));
        }
        catch (FileNotFoundException)
        {
            return null;
        }
    }

    private static long LargestTimestamp(string logFile, string timeIndexFile)
    {
        if (File.Exists(timeIndexFile))
        {
            using var handle = File.OpenHandle(timeIndexFile);
            var length = RandomAccess.GetLength(handle);
            if (length >= TimeIndexEntrySize)
            {
                Span<byte> entry = stackalloc byte[TimeIndexEntrySize];
                var position = length - (length % TimeIndexEntrySize) - TimeIndexEntrySize;
                if (RandomAccess.Read(handle, entry, position) == TimeIndexEntrySize)
                {
                    return BinaryPrimitives.ReadInt64BigEndian(entry);
                }
            }
        }

        return new DateTimeOffset(File.GetLastWriteTimeUtc(logFile)).ToUnixTimeMilliseconds();
    }

    private string PathOf(long baseOffset, string suffix) =>
        Path.Combine(log.TopicPartitionDirectory, baseOffset.ToString("D20", CultureInfo.InvariantCulture) + suffix);
}
