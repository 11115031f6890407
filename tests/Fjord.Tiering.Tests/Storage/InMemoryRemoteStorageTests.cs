namespace Fjord.Tiering.Tests;

public sealed class InMemoryRemoteStorageTests : RemoteStorageContractTests
{
    protected override Task<IRemoteStorage> CreateStorageAsync() => Task.FromResult<IRemoteStorage>(new InMemoryRemoteStorage());

    [Fact]
    public async Task DeletingEverySegmentLeavesNoBlobBehind()
    {
        var storage = new InMemoryRemoteStorage();
        var segment = Segment(Guid.NewGuid());
        await storage.UploadAsync(segment, WriteFiles(10, seed: 1), Ct);
        Assert.Equal(4, storage.BlobCount);

        await storage.DeleteAsync(segment, Ct);

        Assert.Equal(0, storage.BlobCount);
    }
}
