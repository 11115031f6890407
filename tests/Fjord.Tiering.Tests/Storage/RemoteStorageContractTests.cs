using Fjord.Log.Checkpoints;
using Fjord.Testing;

namespace Fjord.Tiering.Tests;

/// <summary>
/// The behaviour every <see cref="IRemoteStorage"/> must have, run against the in-memory fake and
/// against Blob storage on Azurite.
/// </summary>
public abstract class RemoteStorageContractTests : IDisposable
{
    private const int MiB = 1024 * 1024;

    // xunit creates a class instance per test, so this bounds each test on its own.
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(3));
    private readonly TempDirectory _directory = new("fjord-tier-storage");

    protected CancellationToken Ct => _timeout.Token;

    /// <summary>A fresh, empty storage no other test sees.</summary>
    protected abstract Task<IRemoteStorage> CreateStorageAsync();

    public void Dispose()
    {
        _directory.Dispose();
        _timeout.Dispose();
        GC.SuppressFinalize(this);
    }

    protected static RemoteSegmentMetadata Segment(Guid topicId, int partition = 0, long baseOffset = 0) =>
        new(topicId, "orders", partition, Guid.NewGuid(), baseOffset, baseOffset + 99, 0, 0, [], RemoteSegmentState.CopyStarted, 1, 1, DateTimeOffset.UnixEpoch);

    /// <summary>Local segment files of random content (seeded, so a failure reproduces).</summary>
    protected LocalSegmentFiles WriteFiles(int logBytes, int seed, IReadOnlyList<EpochEntry>? epochs = null, int producerSnapshotBytes = -1, int txnIndexBytes = -1)
    {
        var random = new Random(seed);
        var folder = _directory.Combine(Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        string Write(string name, int length)
        {
            var content = new byte[length];
            random.NextBytes(content);
            var path = Path.Combine(folder, name);
            File.WriteAllBytes(path, content);
            return path;
        }

        return new LocalSegmentFiles(
            Write("00000000000000000000.log", logBytes),
            Write("00000000000000000000.index", 8 * 37),
            Write("00000000000000000000.timeindex", 12 * 23),
            epochs ?? [new EpochEntry(0, 0), new EpochEntry(4, 60)],
            producerSnapshotBytes >= 0 ? Write("00000000000000000100.snapshot", producerSnapshotBytes) : Path.Combine(folder, "00000000000000000100.snapshot"),
            txnIndexBytes >= 0 ? Write("00000000000000000000.txnindex", txnIndexBytes) : Path.Combine(folder, "00000000000000000000.txnindex"));
    }

    private static string PathOf(LocalSegmentFiles files, RemoteFileType file) => file switch
    {
        RemoteFileType.Segment => files.LogFile,
        RemoteFileType.OffsetIndex => files.OffsetIndexFile,
        RemoteFileType.TimeIndex => files.TimeIndexFile,
        _ => throw new ArgumentOutOfRangeException(nameof(file)),
    };

    private async Task<byte[]> ReadAllAsync(IRemoteStorage storage, RemoteSegmentMetadata segment, RemoteFileType file)
    {
        var length = await storage.GetLengthAsync(segment, file, Ct);
        var content = new byte[length];
        Assert.Equal((int)length, await storage.ReadAsync(segment, file, 0, content, Ct));
        return content;
    }

    [Theory]
    [InlineData(RemoteFileType.Segment)]
    [InlineData(RemoteFileType.OffsetIndex)]
    [InlineData(RemoteFileType.TimeIndex)]
    public async Task RangedReadsReturnExactlyTheLocalBytesAtArbitraryPositions(RemoteFileType file)
    {
        var storage = await CreateStorageAsync();
        var segment = Segment(Guid.NewGuid());
        var files = WriteFiles(100_003, seed: 1);
        await storage.UploadAsync(segment, files, Ct);
        var local = await File.ReadAllBytesAsync(PathOf(files, file), Ct);
        var random = new Random(7);

        for (var i = 0; i < 20; i++)
        {
            var position = random.Next(local.Length);
            var buffer = new byte[random.Next(1, 5000)];
            var read = await storage.ReadAsync(segment, file, position, buffer, Ct);

            Assert.Equal(Math.Min(buffer.Length, local.Length - position), read);
            Assert.Equal(local.AsSpan(position, read), buffer.AsSpan(0, read));
        }

        Assert.Equal(local, await ReadAllAsync(storage, segment, file));
    }

    [Fact]
    public async Task AReadAtOrPastTheEndReturnsNothingAndOneAcrossItReturnsTheRest()
    {
        var storage = await CreateStorageAsync();
        var segment = Segment(Guid.NewGuid());
        var files = WriteFiles(1000, seed: 2);
        await storage.UploadAsync(segment, files, Ct);
        var local = await File.ReadAllBytesAsync(files.LogFile, Ct);
        var buffer = new byte[100];

        Assert.Equal(0, await storage.ReadAsync(segment, RemoteFileType.Segment, 1000, buffer, Ct));
        Assert.Equal(0, await storage.ReadAsync(segment, RemoteFileType.Segment, 5000, buffer, Ct));
        Assert.Equal(0, await storage.ReadAsync(segment, RemoteFileType.Segment, 10, Memory<byte>.Empty, Ct));
        Assert.Equal(40, await storage.ReadAsync(segment, RemoteFileType.Segment, 960, buffer, Ct));
        Assert.Equal(local.AsSpan(960), buffer.AsSpan(0, 40));
    }

    [Fact]
    public async Task LengthsAreTheLocalFileLengths()
    {
        var storage = await CreateStorageAsync();
        var segment = Segment(Guid.NewGuid());
        var files = WriteFiles(12_345, seed: 3);
        await storage.UploadAsync(segment, files, Ct);

        Assert.Equal(12_345, await storage.GetLengthAsync(segment, RemoteFileType.Segment, Ct));
        Assert.Equal(8 * 37, await storage.GetLengthAsync(segment, RemoteFileType.OffsetIndex, Ct));
        Assert.Equal(12 * 23, await storage.GetLengthAsync(segment, RemoteFileType.TimeIndex, Ct));
    }

    [Fact]
    public async Task AnEmptySegmentUploadsAndReadsAsEmpty()
    {
        var storage = await CreateStorageAsync();
        var segment = Segment(Guid.NewGuid());
        await storage.UploadAsync(segment, WriteFiles(0, seed: 4), Ct);

        Assert.Equal(0, await storage.GetLengthAsync(segment, RemoteFileType.Segment, Ct));
        Assert.Equal(0, await storage.ReadAsync(segment, RemoteFileType.Segment, 0, new byte[10], Ct));
    }

    [Fact]
    public async Task TheLeaderEpochFileIsKafkasCheckpointTextAndLoadsAsOne()
    {
        var storage = await CreateStorageAsync();
        var segment = Segment(Guid.NewGuid());
        EpochEntry[] epochs = [new(3, 100), new(4, 150), new(9, 190)];
        await storage.UploadAsync(segment, WriteFiles(10, seed: 5, epochs), Ct);

        var content = await ReadAllAsync(storage, segment, RemoteFileType.LeaderEpochCheckpoint);

        Assert.Equal("0\n3\n3 100\n4 150\n9 190\n", System.Text.Encoding.ASCII.GetString(content));
        var folder = _directory.Combine("checkpoint");
        Directory.CreateDirectory(folder);
        await File.WriteAllBytesAsync(Path.Combine(folder, LeaderEpochCheckpoint.FileName), content, Ct);
        Assert.Equal(epochs, LeaderEpochCheckpoint.Load(folder).Entries);
    }

    [Fact]
    public async Task DeleteRemovesEveryFileAndTheSegmentFromTheListing()
    {
        var storage = await CreateStorageAsync();
        var kept = Segment(Guid.NewGuid());
        var deleted = Segment(kept.TopicId, baseOffset: 100);
        await storage.UploadAsync(kept, WriteFiles(10, seed: 6), Ct);
        await storage.UploadAsync(deleted, WriteFiles(10, seed: 7, producerSnapshotBytes: 40, txnIndexBytes: 68), Ct);

        await storage.DeleteAsync(deleted, Ct);

        Assert.Equal([kept.SegmentId], await storage.ListSegmentIdsAsync(kept.TopicId, 0, Ct));
        foreach (var file in Enum.GetValues<RemoteFileType>())
        {
            await Assert.ThrowsAsync<FileNotFoundException>(() => storage.GetLengthAsync(deleted, file, Ct));
            await Assert.ThrowsAsync<FileNotFoundException>(() => storage.ReadAsync(deleted, file, 0, new byte[1], Ct));
        }

        Assert.Equal(10, await storage.GetLengthAsync(kept, RemoteFileType.Segment, Ct));
    }

    [Fact]
    public async Task TheProducerSnapshotTravelsWithItsSegment()
    {
        var storage = await CreateStorageAsync();
        var segment = Segment(Guid.NewGuid());
        var files = WriteFiles(1_000, seed: 11, producerSnapshotBytes: 333);

        await storage.UploadAsync(segment, files, Ct);

        Assert.Equal(File.ReadAllBytes(files.ProducerSnapshotFile!), await RemoteProducerSnapshot.ReadAsync(storage, segment, Ct));
    }

    [Fact]
    public async Task ASegmentWhoseSnapshotIsMissingLocallyUploadsWithoutOne()
    {
        var storage = await CreateStorageAsync();
        var segment = Segment(Guid.NewGuid());

        await storage.UploadAsync(segment, WriteFiles(1_000, seed: 12), Ct);

        Assert.Null(await RemoteProducerSnapshot.ReadAsync(storage, segment, Ct));
        Assert.Equal(1_000, await storage.GetLengthAsync(segment, RemoteFileType.Segment, Ct));
    }

    [Fact]
    public async Task TheTransactionIndexTravelsWithItsSegment()
    {
        var storage = await CreateStorageAsync();
        var segment = Segment(Guid.NewGuid());
        var files = WriteFiles(1_000, seed: 16, txnIndexBytes: 3 * 34);

        await storage.UploadAsync(segment, files, Ct);

        Assert.Equal(File.ReadAllBytes(files.TransactionIndexFile!), await ReadAllAsync(storage, segment, RemoteFileType.TransactionIndex));
    }

    [Fact]
    public async Task ASegmentWithoutATransactionIndexUploadsWithoutOne()
    {
        var storage = await CreateStorageAsync();
        var segment = Segment(Guid.NewGuid());

        await storage.UploadAsync(segment, WriteFiles(1_000, seed: 17), Ct);

        await Assert.ThrowsAsync<FileNotFoundException>(() => storage.GetLengthAsync(segment, RemoteFileType.TransactionIndex, Ct));
        await Assert.ThrowsAsync<FileNotFoundException>(() => storage.ReadAsync(segment, RemoteFileType.TransactionIndex, 0, new byte[34], Ct));
        Assert.Equal(1_000, await storage.GetLengthAsync(segment, RemoteFileType.Segment, Ct));
    }

    [Fact]
    public async Task DeletingWhatIsNotThereSucceeds()
    {
        var storage = await CreateStorageAsync();
        var segment = Segment(Guid.NewGuid());
        await storage.DeleteAsync(segment, Ct);
        await storage.UploadAsync(segment, WriteFiles(10, seed: 8), Ct);

        await storage.DeleteAsync(segment, Ct);
        await storage.DeleteAsync(segment, Ct);

        Assert.Empty(await storage.ListSegmentIdsAsync(segment.TopicId, 0, Ct));
    }

    [Fact]
    public async Task AnOrphanNamedByIdAloneIsDeletedWithoutItsBaseOffset()
    {
        var storage = await CreateStorageAsync();
        var orphan = Segment(Guid.NewGuid(), partition: 2, baseOffset: 700);
        var kept = Segment(orphan.TopicId, partition: 2, baseOffset: 0);
        await storage.UploadAsync(orphan, WriteFiles(10, seed: 14), Ct);
        await storage.UploadAsync(kept, WriteFiles(10, seed: 15), Ct);

        // What a leader knows of an orphan found by listing: the id, not the offsets.
        await storage.DeleteAsync(orphan with { BaseOffset = -1, EndOffset = -1 }, Ct);

        Assert.Equal([kept.SegmentId], await storage.ListSegmentIdsAsync(orphan.TopicId, 2, Ct));
        foreach (var file in Enum.GetValues<RemoteFileType>())
            await Assert.ThrowsAsync<FileNotFoundException>(() => storage.GetLengthAsync(orphan, file, Ct));
        Assert.Equal(10, await storage.GetLengthAsync(kept, RemoteFileType.Segment, Ct));
    }

    [Fact]
    public async Task ListingReturnsOnePartitionsSegmentIdsInOffsetOrder()
    {
        var storage = await CreateStorageAsync();
        var topicId = Guid.NewGuid();
        var high = Segment(topicId, baseOffset: 10_000_000_000);
        var low = Segment(topicId, baseOffset: 9);
        var middle = Segment(topicId, baseOffset: 100);
        foreach (var segment in new[] { high, low, middle, Segment(topicId, partition: 1), Segment(topicId, partition: 10), Segment(Guid.NewGuid()) })
            await storage.UploadAsync(segment, WriteFiles(10, seed: 9), Ct);

        Assert.Equal([low.SegmentId, middle.SegmentId, high.SegmentId], await storage.ListSegmentIdsAsync(topicId, 0, Ct));
        Assert.Single(await storage.ListSegmentIdsAsync(topicId, 1, Ct));
        Assert.Empty(await storage.ListSegmentIdsAsync(topicId, 2, Ct));
    }

    [Fact]
    public async Task ReUploadingASegmentReplacesItsFiles()
    {
        var storage = await CreateStorageAsync();
        var segment = Segment(Guid.NewGuid());
        await storage.UploadAsync(segment, WriteFiles(5000, seed: 10, [new EpochEntry(1, 0)]), Ct);
        var second = WriteFiles(3000, seed: 11, [new EpochEntry(2, 0)]);

        await storage.UploadAsync(segment, second, Ct);

        Assert.Equal(await File.ReadAllBytesAsync(second.LogFile, Ct), await ReadAllAsync(storage, segment, RemoteFileType.Segment));
        Assert.Equal(await File.ReadAllBytesAsync(second.OffsetIndexFile, Ct), await ReadAllAsync(storage, segment, RemoteFileType.OffsetIndex));
        Assert.Equal("0\n1\n2 0\n"u8.ToArray(), await ReadAllAsync(storage, segment, RemoteFileType.LeaderEpochCheckpoint));
        Assert.Equal([segment.SegmentId], await storage.ListSegmentIdsAsync(segment.TopicId, 0, Ct));
    }

    [Fact]
    public async Task AMissingLocalFileFailsTheUpload()
    {
        var storage = await CreateStorageAsync();
        var files = WriteFiles(10, seed: 12) with { TimeIndexFile = _directory.Combine("missing.timeindex") };

        await Assert.ThrowsAnyAsync<IOException>(() => storage.UploadAsync(Segment(Guid.NewGuid()), files, Ct));
    }

    [Fact]
    public async Task ATwentyMebibyteSegmentUploadsAndAHundredByteReadInTheMiddleIsExact()
    {
        var storage = await CreateStorageAsync();
        var segment = Segment(Guid.NewGuid(), baseOffset: 1_000_000);
        var files = WriteFiles(20 * MiB, seed: 13);
        await storage.UploadAsync(segment, files, Ct);
        var position = (10 * MiB) + 12_345;
        var expected = new byte[100];
        await using (var local = File.OpenRead(files.LogFile))
        {
            local.Position = position;
            await local.ReadExactlyAsync(expected, Ct);
        }

        var buffer = new byte[100];
        Assert.Equal(100, await storage.ReadAsync(segment, RemoteFileType.Segment, position, buffer, Ct));

        Assert.Equal(expected, buffer);
        Assert.Equal(20 * MiB, await storage.GetLengthAsync(segment, RemoteFileType.Segment, Ct));
    }
}
