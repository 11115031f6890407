using Fjord.Log.Checkpoints;

namespace Fjord.Tiering.Tests.Manager;

/// <summary>
/// A partition log reduced to its segment list: <see cref="Roll"/> closes the active segment with a
/// given number of offsets, bytes and newest timestamp. Deleting local segments moves only the
/// local start, never <see cref="LogStartOffset"/>.
/// </summary>
public sealed class FakeTieredLog(TimeProvider time) : ITieredLog
{
    private readonly List<TieredLogSegment> _closed = [];
    private readonly List<EpochEntry> _epochs = [new(0, 0)];

    public Guid TopicId { get; } = Guid.NewGuid();

    public string Topic => "events";

    public int Partition => 3;

    public long LogStartOffset { get; set; }

    public long HighWatermark { get; set; }

    public long LastStableOffset => HighWatermark;

    public long LogEndOffset { get; private set; }

    public IReadOnlyList<TieredLogSegment> Segments => [.. _closed, Segment(LogEndOffset, LogEndOffset - 1, -1, 0)];

    public IReadOnlyList<EpochEntry> LeaderEpochs => [.. _epochs];

    /// <summary>The first offset still on local disk.</summary>
    public long LocalLogStartOffset => _closed.Count > 0 ? _closed[0].BaseOffset : LogEndOffset;

    public void NewEpoch(int epoch) => _epochs.Add(new EpochEntry(epoch, LogEndOffset));

    /// <summary>Appends <paramref name="offsets"/> records (newest timestamp: now unless given) as one closed segment and advances the high watermark to the end.</summary>
    public TieredLogSegment Roll(int offsets = 100, long bytes = 1000, long? maxTimestamp = null, bool committed = true)
    {
        var segment = Segment(LogEndOffset, LogEndOffset + offsets - 1, maxTimestamp ?? time.GetUtcNow().ToUnixTimeMilliseconds(), bytes);
        _closed.Add(segment);
        LogEndOffset += offsets;
        if (committed)
        {
            HighWatermark = LogEndOffset;
        }

        return segment;
    }

    public int DeleteLocalSegmentsBefore(long offset) => _closed.RemoveAll(s => s.EndOffset < offset);

    private static TieredLogSegment Segment(long baseOffset, long endOffset, long maxTimestamp, long bytes) =>
        new(baseOffset, endOffset, maxTimestamp, bytes, $"/data/{baseOffset:D20}.log", $"/data/{baseOffset:D20}.index", $"/data/{baseOffset:D20}.timeindex");
}
