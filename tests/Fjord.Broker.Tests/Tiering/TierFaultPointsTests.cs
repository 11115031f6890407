using Azure.Storage.Blobs;
using Fjord.Broker.Configuration;
using Fjord.Broker.TestHost;
using Fjord.Broker.Tests.Infrastructure;
using Fjord.Testing;
using Fjord.Tiering;

namespace Fjord.Broker.Tests.Tiering;

/// <summary>
/// The fault-point decorators on the in-memory manifest and storage, with a crash action that
/// throws instead of killing the test process: each point fires once its step has succeeded (so
/// the crash leaves the state its name promises), and nothing fires when it is not armed.
/// </summary>
[Collection(BrokerCollection.Name)]
public sealed class TierFaultPointsTests(AzuriteFixture azurite) : IDisposable
{
    private readonly TempDirectory _dir = new("fjord-fault-points");
    private readonly List<string> _hits = [];
    private readonly Guid _topicId = Guid.NewGuid();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void AnUnsetOrEmptyValueArmsNothingAndNamesAreTrimmed()
    {
        Assert.Null(TierFaultPoints.Parse(null));
        Assert.Null(TierFaultPoints.Parse(" , "));
        var points = TierFaultPoints.Parse(" copy.after-upload ,delete.after-blobs-deleted", Record);
        Assert.NotNull(points);
        Assert.Equal(["copy.after-upload", "delete.after-blobs-deleted"], points.Armed.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void AnUnknownPointNameIsAConfigError()
    {
        var e = Assert.Throws<ConfigException>(() => TierFaultPoints.Parse("copy.after-uplaod", Record));
        Assert.Contains("copy.after-uplaod", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CopyPointsFireAfterTheirStepSucceededAndLeaveItsState()
    {
        var (manifest, storage, inner, blobs) = Wrap(TierFaultPoints.AfterCopyStarted, TierFaultPoints.AfterUpload, TierFaultPoints.AfterCopyFinished);
        var segment = Segment();

        await Assert.ThrowsAsync<CrashException>(() => manifest.AddCopyStartedAsync(segment, CancellationToken.None));
        Assert.Equal(RemoteSegmentState.CopyStarted, Assert.Single(await inner.ListAsync(_topicId, 0, CancellationToken.None)).State);
        Assert.Equal(0, blobs.BlobCount);

        // A failed add (the entry exists) is no step done: no crash.
        Assert.False(await manifest.AddCopyStartedAsync(segment, CancellationToken.None));
        // A self-transition is the tier's "still CopyStarted?" check, not a step.
        Assert.True(await manifest.TransitionAsync(_topicId, 0, segment.SegmentId, RemoteSegmentState.CopyStarted, RemoteSegmentState.CopyStarted, CancellationToken.None));
        Assert.Equal([TierFaultPoints.AfterCopyStarted], _hits);

        await Assert.ThrowsAsync<CrashException>(() => storage.UploadAsync(segment, Files(), CancellationToken.None));
        Assert.Equal(4, blobs.BlobCount);
        Assert.Equal(RemoteSegmentState.CopyStarted, Assert.Single(await inner.ListAsync(_topicId, 0, CancellationToken.None)).State);

        await Assert.ThrowsAsync<CrashException>(() => manifest.TransitionAsync(_topicId, 0, segment.SegmentId, RemoteSegmentState.CopyStarted, RemoteSegmentState.CopyFinished, CancellationToken.None));
        Assert.Equal(RemoteSegmentState.CopyFinished, Assert.Single(await inner.ListAsync(_topicId, 0, CancellationToken.None)).State);
        Assert.Equal([TierFaultPoints.AfterCopyStarted, TierFaultPoints.AfterUpload, TierFaultPoints.AfterCopyFinished], _hits);
    }

    [Fact]
    public async Task DeletePointsFireAfterTheirStepSucceededAndLeaveItsState()
    {
        var (manifest, storage, inner, blobs) = Wrap(TierFaultPoints.AfterDeleteStarted, TierFaultPoints.AfterBlobsDeleted, TierFaultPoints.AfterDeleteFinished);
        var segment = Segment();
        Assert.True(await manifest.AddCopyStartedAsync(segment, CancellationToken.None));
        await storage.UploadAsync(segment, Files(), CancellationToken.None);
        Assert.True(await manifest.TransitionAsync(_topicId, 0, segment.SegmentId, RemoteSegmentState.CopyStarted, RemoteSegmentState.CopyFinished, CancellationToken.None));
        Assert.Empty(_hits);

        await Assert.ThrowsAsync<CrashException>(() => manifest.TransitionAsync(_topicId, 0, segment.SegmentId, RemoteSegmentState.CopyFinished, RemoteSegmentState.DeleteStarted, CancellationToken.None));
        Assert.Equal(RemoteSegmentState.DeleteStarted, Assert.Single(await inner.ListAsync(_topicId, 0, CancellationToken.None)).State);
        Assert.Equal(4, blobs.BlobCount);

        // A transition that loses (wrong from-state) writes nothing and so crashes nothing.
        Assert.False(await manifest.TransitionAsync(_topicId, 0, segment.SegmentId, RemoteSegmentState.CopyFinished, RemoteSegmentState.DeleteStarted, CancellationToken.None));

        await Assert.ThrowsAsync<CrashException>(() => storage.DeleteAsync(segment, CancellationToken.None));
        Assert.Equal(0, blobs.BlobCount);
        Assert.Equal(RemoteSegmentState.DeleteStarted, Assert.Single(await inner.ListAsync(_topicId, 0, CancellationToken.None)).State);

        await Assert.ThrowsAsync<CrashException>(() => manifest.TransitionAsync(_topicId, 0, segment.SegmentId, RemoteSegmentState.DeleteStarted, RemoteSegmentState.DeleteFinished, CancellationToken.None));
        Assert.Equal(RemoteSegmentState.DeleteFinished, Assert.Single(await inner.ListAsync(_topicId, 0, CancellationToken.None)).State);

        Assert.True(await manifest.RemoveAsync(_topicId, 0, segment.SegmentId, CancellationToken.None));
        Assert.Equal([TierFaultPoints.AfterDeleteStarted, TierFaultPoints.AfterBlobsDeleted, TierFaultPoints.AfterDeleteFinished], _hits);
    }

    [Fact]
    public async Task PointsThatAreNotArmedNeverFire()
    {
        var (manifest, storage, _, _) = Wrap(TierFaultPoints.UploadMidFiles);
        var segment = Segment();
        Assert.True(await manifest.AddCopyStartedAsync(segment, CancellationToken.None));
        await storage.UploadAsync(segment, Files(), CancellationToken.None);
        Assert.True(await manifest.TransitionAsync(_topicId, 0, segment.SegmentId, RemoteSegmentState.CopyStarted, RemoteSegmentState.CopyFinished, CancellationToken.None));
        Assert.True(await manifest.TransitionAsync(_topicId, 0, segment.SegmentId, RemoteSegmentState.CopyFinished, RemoteSegmentState.DeleteStarted, CancellationToken.None));
        await storage.DeleteAsync(segment, CancellationToken.None);
        Assert.True(await manifest.TransitionAsync(_topicId, 0, segment.SegmentId, RemoteSegmentState.DeleteStarted, RemoteSegmentState.DeleteFinished, CancellationToken.None));
        Assert.Empty(_hits);
    }

    [Fact]
    public async Task TheMidUploadHookOfBlobStorageCrashesWithSomeOfTheSegmentsBlobsWrittenAndNotOthers()
    {
        var faults = new TierFaultPoints([TierFaultPoints.UploadMidFiles], Crash);
        var service = new BlobServiceClient(azurite.ConnectionString);
        var container = "faults-" + Guid.NewGuid().ToString("N");
        var storage = new BlobRemoteStorage(service, container, afterFileUploaded: _ => faults.Hit(TierFaultPoints.UploadMidFiles));
        await storage.InitializeAsync(CancellationToken.None);
        try
        {
            var segment = Segment();
            await Assert.ThrowsAsync<CrashException>(() => storage.UploadAsync(segment, Files(), CancellationToken.None));
            var names = new List<string>();
            await foreach (var blob in service.GetBlobContainerClient(container).GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, $"{_topicId:D}/0/", CancellationToken.None))
                names.Add(blob.Name);
            var name = Assert.Single(names);
            Assert.Contains(segment.SegmentId.ToString("D"), name, StringComparison.Ordinal);
            Assert.EndsWith(".index", name, StringComparison.Ordinal);
            Assert.Equal([TierFaultPoints.UploadMidFiles], _hits);
        }
        finally
        {
            await service.DeleteBlobContainerAsync(container);
        }
    }

    private (IRemoteLogMetadataStore Manifest, IRemoteStorage Storage, InMemoryRemoteLogMetadataStore Inner, InMemoryRemoteStorage Blobs) Wrap(params string[] armed)
    {
        var faults = new TierFaultPoints(armed, Crash);
        var inner = new InMemoryRemoteLogMetadataStore();
        var blobs = new InMemoryRemoteStorage();
        return (new FaultInjectingRemoteLogMetadataStore(inner, faults), new FaultInjectingRemoteStorage(blobs, faults), inner, blobs);
    }

    private RemoteSegmentMetadata Segment() => new(_topicId, "t", 0, Guid.NewGuid(), 100, 199, 1_700_000_000_000, 3, [new(1, 100)],
        RemoteSegmentState.CopyStarted, 0, 1, DateTimeOffset.UnixEpoch);

    private LocalSegmentFiles Files()
    {
        var log = _dir.Combine("100.log");
        var index = _dir.Combine("100.index");
        var time = _dir.Combine("100.timeindex");
        File.WriteAllBytes(log, [1, 2, 3]);
        File.WriteAllBytes(index, [4]);
        File.WriteAllBytes(time, [5]);
        return new LocalSegmentFiles(log, index, time, [new(1, 100)]);
    }

    private void Record(string point) => _hits.Add(point);

    private void Crash(string point)
    {
        _hits.Add(point);
        throw new CrashException(point);
    }

    private sealed class CrashException(string point) : Exception($"fault point {point}");
}
