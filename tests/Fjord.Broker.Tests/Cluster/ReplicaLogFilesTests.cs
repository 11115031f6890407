using System.Text;
using Fjord.Testing;
using Fjord.Testing.Records;

namespace Fjord.Broker.Tests.Cluster;

public sealed class ReplicaLogFilesTests
{
    [Fact]
    public void ReadsBatchesAndRecordsAcrossSegmentsAndStopsAtThePreallocatedTail()
    {
        using var data = new TempDirectory("fjord-replica-files");
        var dir = Directory.CreateDirectory(ReplicaLogFiles.PartitionDirectory(data.Path, "t", 0)).FullName;
        var first = new RecordBatchBuilder().WithBaseOffset(0).WithPartitionLeaderEpoch(0).Add(null, "a").Add(null, "b").Build();
        var second = new RecordBatchBuilder().WithBaseOffset(2).WithPartitionLeaderEpoch(1).Add(null, "c").Build();
        var third = new RecordBatchBuilder().WithBaseOffset(3).WithPartitionLeaderEpoch(1).Add("k", "d").Add((string?)null, null).Build();
        File.WriteAllBytes(Path.Combine(dir, "00000000000000000000.log"), RecordBatchBuilder.Concat(first, second));
        // The active segment as the broker leaves it: fallocated zeros after the last batch.
        File.WriteAllBytes(Path.Combine(dir, "00000000000000000003.log"), [.. third, .. new byte[4096]]);

        var batches = ReplicaLogFiles.ReadBatches(data.Path, "t", 0);
        Assert.Equal([0L, 2L, 3L], batches.Select(b => b.BaseOffset));
        Assert.Equal([1L, 2L, 4L], batches.Select(b => b.LastOffset));
        Assert.Equal([0, 1, 1], batches.Select(b => b.PartitionLeaderEpoch));
        Assert.Equal(third, batches[2].Bytes);

        var records = ReplicaLogFiles.ReadRecords(data.Path, "t", 0);
        Assert.Equal(["a", "b", "c", "d"], Enumerable.Range(0, 4).Select(o => Encoding.UTF8.GetString(records[o].Value!)));
        Assert.Null(records[4].Value);
    }

    [Fact]
    public void CommittedBytesLeaveOutTheBatchThatStraddlesTheHighWatermarkAndATornTail()
    {
        using var data = new TempDirectory("fjord-replica-files");
        var dir = Directory.CreateDirectory(ReplicaLogFiles.PartitionDirectory(data.Path, "t", 0)).FullName;
        var first = new RecordBatchBuilder().WithBaseOffset(0).Add(null, "a").Build();
        var second = new RecordBatchBuilder().WithBaseOffset(1).Add(null, "b").Add(null, "c").Build();
        var torn = new RecordBatchBuilder().WithBaseOffset(3).Add(null, "d").Truncated(3).Build();
        File.WriteAllBytes(Path.Combine(dir, "00000000000000000000.log"), RecordBatchBuilder.Concat(first, second, torn));

        Assert.Equal(first, ReplicaLogFiles.CommittedBytes(data.Path, "t", 0, highWatermark: 2));
        Assert.Equal(RecordBatchBuilder.Concat(first, second), ReplicaLogFiles.CommittedBytes(data.Path, "t", 0, highWatermark: 3));
        Assert.Equal(2, ReplicaLogFiles.ReadBatches(data.Path, "t", 0).Count);
        Assert.Empty(ReplicaLogFiles.ReadBatches(data.Path, "missing", 0));
    }
}
