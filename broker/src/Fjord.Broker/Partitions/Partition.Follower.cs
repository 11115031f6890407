using Fjord.Log.Records;

namespace Fjord.Broker.Partitions;

public sealed partial class Partition
{
    /// <summary>True while this broker follows <paramref name="leaderEpoch"/>'s leader: a fetch response for an older role is dropped.</summary>
    public bool IsFollowing(int leaderEpoch) => !IsLeader && LeaderEpoch == leaderEpoch && Leader != _localId;

    /// <summary>
    /// Appends fetched batches as they are (offsets and epochs the leader assigned), only while still
    /// following <paramref name="leaderEpoch"/>. A trailing partial batch (a fetch cut at its byte
    /// limit) is left for the next fetch. Returns false when the role moved on.
    /// </summary>
    public bool AppendAsFollower(Memory<byte> records, int leaderEpoch, long leaderHighWatermark, long leaderLogStartOffset)
    {
        _roleLock.EnterReadLock();
        try
        {
            if (!IsFollowing(leaderEpoch)) return false;
            var whole = WholeBatchesLength(records.Span);
            if (whole > 0) Log.AppendAsFollower(records[..whole]);
            // A follower's high watermark is the leader's, capped by what it has itself.
            var highWatermark = Math.Min(leaderHighWatermark, Log.LogEndOffset);
            if (highWatermark > Log.HighWatermark) Log.AdvanceHighWatermark(highWatermark);
            // DeleteRecords and retention on the leader move the log start offset; follow it, up to the high watermark.
            if (leaderLogStartOffset > Log.LogStartOffset && leaderLogStartOffset <= Log.HighWatermark)
                Log.DeleteRecordsBefore(leaderLogStartOffset);
            return true;
        }
        finally
        {
            _roleLock.ExitReadLock();
            NotifyChanged();
        }
    }

    /// <summary>Removes a divergent suffix (the leader's epoch history disagrees from <paramref name="offset"/> on).</summary>
    public bool TruncateAsFollower(long offset, int leaderEpoch)
    {
        _roleLock.EnterReadLock();
        try
        {
            if (!IsFollowing(leaderEpoch)) return false;
            if (offset < Log.LogEndOffset) LogTruncating(Topic.Name, Index, Log.LogEndOffset, offset);
            Log.TruncateTo(offset);
            return true;
        }
        finally
        {
            _roleLock.ExitReadLock();
        }
    }

    /// <summary>The follower is behind the leader's log start offset: its whole log is stale history.</summary>
    public bool RestartAsFollowerAt(long offset, int leaderEpoch)
    {
        _roleLock.EnterReadLock();
        try
        {
            if (!IsFollowing(leaderEpoch)) return false;
            LogTruncating(Topic.Name, Index, Log.LogEndOffset, offset);
            Log.TruncateFullyAndStartAt(offset);
            return true;
        }
        finally
        {
            _roleLock.ExitReadLock();
        }
    }

    private static int WholeBatchesLength(ReadOnlySpan<byte> records)
    {
        var position = 0;
        while (records.Length - position >= RecordBatch.HeaderSize)
        {
            var size = RecordBatch.LogOverhead + System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(records[(position + RecordBatch.BatchLengthOffset)..]);
            if (size <= 0 || position + size > records.Length) break;
            position += size;
        }
        return position;
    }

    [Microsoft.Extensions.Logging.LoggerMessage(EventId = 3106, Level = Microsoft.Extensions.Logging.LogLevel.Warning, Message = "{Topic}-{Partition}: truncating the follower log from {LogEndOffset} to {Offset} (divergent history)")]
    private partial void LogTruncating(string topic, int partition, long logEndOffset, long offset);
}
