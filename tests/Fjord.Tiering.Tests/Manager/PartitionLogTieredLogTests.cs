using Fjord.Log;
using Fjord.Testing;
using Fjord.Testing.Records;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Fjord.Tiering.Tests.Manager;

public sealed class PartitionLogTieredLogTests
{
    [Fact]
    public void ClosedSegmentsAreDescribedFromTheLogAndItsFilesAndTheActiveOneComesLast()
    {
        using var dir = new TempDirectory();
        var clock = new FakeTimeProvider(DateTimeOffset.UnixEpoch.AddDays(100));
        var nowMs = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var log = PartitionLog.Open(Path.Combine(dir.Path, "events-3"), Guid.NewGuid(), LogConfig.Default, clock, NullLogger.Instance, hadCleanShutdown: false, recoveryPoint: 0);
        try
        {
            var first = new RecordBatchBuilder(nowMs).Add("k", "a").Add("k", "b", timestampDelta: 500).Add("k", "c", timestampDelta: 100).Build();
            log.AppendAsLeader(first, 2);
            log.Roll();
            var second = new RecordBatchBuilder(nowMs + 1000).Add("k", "d").Build();
            log.AppendAsLeader(second, 2);
            log.Roll();
            log.AppendAsLeader(new RecordBatchBuilder(nowMs + 2000).Add("k", "e").Build(), 4);
            log.UpdateHighWatermark(log.LogEndOffset);
            var deletedBefore = new List<long>();
            var tiered = new PartitionLogTieredLog(log, offset =>
            {
                deletedBefore.Add(offset);
                return 0;
            });

            var segments = tiered.Segments;

            Assert.Equal([(0L, 2L), (3, 3), (4, 4)], segments.Select(s => (s.BaseOffset, s.EndOffset)));
            Assert.Equal([nowMs + 500, nowMs + 1000, -1], segments.Select(s => s.MaxTimestamp));
            Assert.Equal([first.Length, second.Length], segments.Take(2).Select(s => s.SizeInBytes));
            Assert.Equal(log.Size, segments.Sum(s => s.SizeInBytes));
            Assert.All(segments.Take(2), s => Assert.True(File.Exists(s.LogFile) && File.Exists(s.OffsetIndexFile) && File.Exists(s.TimeIndexFile)));
            Assert.EndsWith("00000000000000000003.log", segments[1].LogFile, StringComparison.Ordinal);
            Assert.Equal([(2, 0L), (4, 4)], tiered.LeaderEpochs.Select(e => (e.Epoch, e.StartOffset)));
            Assert.Equal((log.TopicId, "events", 3, 5L), (tiered.TopicId, tiered.Topic, tiered.Partition, tiered.HighWatermark));

            tiered.DeleteLocalSegmentsBefore(3);
            Assert.Equal([3L], deletedBefore);
        }
        finally
        {
            log.Close();
        }
    }
}
