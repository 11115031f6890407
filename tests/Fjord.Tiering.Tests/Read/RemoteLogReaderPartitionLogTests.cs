using System.Buffers.Binary;
using Fjord.Log;
using Fjord.Testing;
using Fjord.Testing.Records;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Fjord.Tiering.Tests.Read;

/// <summary>The reader against files the broker's own log wrote, so its index and batch parsing match Fjord.Log's format.</summary>
public sealed class RemoteLogReaderPartitionLogTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Fact]
    public async Task EveryOffsetOfASegmentWrittenByPartitionLogReadsBackItsWholeBatchAndEveryTimestampItsRecord()
    {
        using var dir = new TempDirectory();
        var clock = new FakeTimeProvider(DateTimeOffset.UnixEpoch.AddDays(100));
        var nowMs = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var log = PartitionLog.Open(Path.Combine(dir.Path, "events-0"), Guid.NewGuid(), LogConfig.Default, clock, NullLogger.Instance, hadCleanShutdown: false, recoveryPoint: 0);
        TieredLogSegment local;
        try
        {
            // Record n (offset n) is stamped nowMs + 10·n; batches of three records, ~700 bytes each.
            for (var b = 0; b < 300; b++)
            {
                var builder = new RecordBatchBuilder(nowMs + (30 * b));
                for (var r = 0; r < 3; r++)
                    builder.Add("k", new string('v', 200), timestampDelta: 10 * r);
                log.AppendAsLeader(builder.Build(), 0);
            }

            log.Roll();
            log.UpdateHighWatermark(log.LogEndOffset);
            local = new PartitionLogTieredLog(log, _ => 0).Segments[0];
            var storage = new InMemoryRemoteStorage();
            var manifest = new InMemoryRemoteLogMetadataStore();
            var segment = new RemoteSegmentMetadata(
                log.TopicId, "events", 0, Guid.NewGuid(), local.BaseOffset, local.EndOffset, local.MaxTimestamp, local.SizeInBytes,
                log.LeaderEpochs.Entries, RemoteSegmentState.CopyStarted, 1, 0, clock.GetUtcNow());
            await storage.UploadAsync(segment, new LocalSegmentFiles(local.LogFile, local.OffsetIndexFile, local.TimeIndexFile, segment.LeaderEpochs), Ct);
            await manifest.AddCopyStartedAsync(segment, Ct);
            await manifest.TransitionAsync(log.TopicId, 0, segment.SegmentId, RemoteSegmentState.CopyStarted, RemoteSegmentState.CopyFinished, Ct);
            Assert.True(new FileInfo(local.OffsetIndexFile).Length > 0);
            var batches = SplitBatches(await File.ReadAllBytesAsync(local.LogFile, Ct));
            var reader = new RemoteLogReader(manifest, storage, new RemoteLogReaderOptions { ChunkSize = 16 * 1024 });

            for (var offset = 0L; offset <= local.EndOffset; offset++)
            {
                using var result = await reader.ReadAsync(log.TopicId, 0, offset, 1, minOneMessage: true, Ct);
                Assert.Equal(batches[(int)(offset / 3)], result.Records.ToArray());
                Assert.Equal(offset, await reader.FindOffsetByTimestampAsync(log.TopicId, 0, nowMs + (10 * offset), Ct));
            }
        }
        finally
        {
            log.Close();
        }
    }

    private static List<byte[]> SplitBatches(byte[] log)
    {
        var batches = new List<byte[]>();
        var position = 0;
        while (position < log.Length)
        {
            var size = 12 + BinaryPrimitives.ReadInt32BigEndian(log.AsSpan(position + 8));
            batches.Add(log[position..(position + size)]);
            position += size;
        }

        return batches;
    }
}
