using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Storage.Blobs;
using Fjord.Testing;

namespace Fjord.Tiering.Tests;

public sealed class BlobRemoteStorageTests(AzuriteFixture azurite) : RemoteStorageContractTests, IClassFixture<AzuriteFixture>
{
    protected override async Task<IRemoteStorage> CreateStorageAsync()
    {
        // A container per storage keeps the tests of this class independent while they share Azurite.
        var storage = new BlobRemoteStorage(Service(), $"c{Guid.NewGuid():N}");
        await storage.InitializeAsync(Ct);
        return storage;
    }

    private BlobServiceClient Service(BlobClientOptions? options = null) => new(azurite.Host.ConnectionString, options);

    [Fact]
    public async Task BlobsAreNamedByTopicIdPartitionBaseOffsetAndSegmentId()
    {
        var storage = (BlobRemoteStorage)await CreateStorageAsync();
        var segment = Segment(Guid.NewGuid(), partition: 4, baseOffset: 1234);
        await storage.UploadAsync(segment, WriteFiles(10, seed: 1), Ct);

        var names = new List<string>();
        await foreach (var blob in Service().GetBlobContainerClient(storage.ContainerName).GetBlobsAsync(cancellationToken: Ct))
            names.Add(blob.Name);

        var stem = $"{segment.TopicId}/4/00000000000000001234-{segment.SegmentId}";
        Assert.Equal(
            [$"{stem}.index", $"{stem}.leader-epoch-checkpoint", $"{stem}.log", $"{stem}.timeindex"],
            names.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task AnUploadCreatesAMissingContainer()
    {
        var storage = new BlobRemoteStorage(Service(), $"c{Guid.NewGuid():N}");
        var segment = Segment(Guid.NewGuid());

        Assert.Empty(await storage.ListSegmentIdsAsync(segment.TopicId, 0, Ct));
        await storage.DeleteAsync(segment, Ct);
        await storage.UploadAsync(segment, WriteFiles(10, seed: 2), Ct);

        Assert.Equal([segment.SegmentId], await storage.ListSegmentIdsAsync(segment.TopicId, 0, Ct));
    }

    [Fact]
    public async Task AReadIsOneRangedGetOfOnlyTheBytesAsked()
    {
        var ranges = new RangeRecorder();
        var options = new BlobClientOptions();
        options.AddPolicy(ranges, HttpPipelinePosition.PerRetry);
        var storage = new BlobRemoteStorage(Service(options), $"c{Guid.NewGuid():N}");
        await storage.InitializeAsync(Ct);
        var segment = Segment(Guid.NewGuid());
        await storage.UploadAsync(segment, WriteFiles(3 * 1024 * 1024, seed: 3), Ct);
        ranges.Clear();

        await storage.ReadAsync(segment, RemoteFileType.Segment, 1_000_000, new byte[100], Ct);

        Assert.Equal("bytes=1000000-1000099", Assert.Single(ranges.Ranges));
    }

    [Fact]
    public async Task TheRequestCounterCountsBlobOperationsByMethod()
    {
        var counter = new BlobRequestCounter();
        var options = new BlobClientOptions();
        options.AddPolicy(counter, HttpPipelinePosition.PerRetry);
        var storage = new BlobRemoteStorage(Service(options), $"c{Guid.NewGuid():N}");
        await storage.InitializeAsync(Ct);
        var segment = Segment(Guid.NewGuid());
        await storage.UploadAsync(segment, WriteFiles(1000, seed: 4), Ct);
        counter.Reset();

        await storage.UploadAsync(segment, WriteFiles(1000, seed: 5), Ct);
        await storage.ReadAsync(segment, RemoteFileType.Segment, 0, new byte[10], Ct);
        await storage.GetLengthAsync(segment, RemoteFileType.Segment, Ct);
        await storage.DeleteAsync(segment, Ct);

        // Small files are one Put Blob each (no producer snapshot or transaction index here); the delete
        // is one request per kind of file, the optional snapshot and transaction index included.
        Assert.Equal(4, counter.Puts);
        Assert.Equal(1, counter.Gets);
        Assert.Equal(1, counter.Heads);
        Assert.Equal(6, counter.Deletes);
        Assert.Equal(12, counter.Total);
    }

    /// <summary>Records the byte range of every download the client sends.</summary>
    private sealed class RangeRecorder : HttpPipelineSynchronousPolicy
    {
        private readonly List<string> _ranges = [];

        public IReadOnlyList<string> Ranges
        {
            get
            {
                lock (_ranges)
                    return [.. _ranges];
            }
        }

        public void Clear()
        {
            lock (_ranges)
                _ranges.Clear();
        }

        public override void OnSendingRequest(HttpMessage message)
        {
            if (message.Request.Method != RequestMethod.Get)
                return;
            var range = message.Request.Headers.TryGetValue("x-ms-range", out var value) || message.Request.Headers.TryGetValue("Range", out value) ? value : "(whole blob)";
            lock (_ranges)
                _ranges.Add(range ?? "(whole blob)");
        }
    }
}
