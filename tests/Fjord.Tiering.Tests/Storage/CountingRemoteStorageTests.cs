namespace Fjord.Tiering.Tests;

public sealed class CountingRemoteStorageTests : RemoteStorageContractTests
{
    // The decorator must not change any answer, so it runs the whole contract too.
    protected override Task<IRemoteStorage> CreateStorageAsync() =>
        Task.FromResult<IRemoteStorage>(new CountingRemoteStorage(new InMemoryRemoteStorage()));

    [Fact]
    public async Task EveryOperationIsCountedWithTheBytesItMoved()
    {
        var storage = new CountingRemoteStorage(new InMemoryRemoteStorage());
        var segment = Segment(Guid.NewGuid());
        var files = WriteFiles(1000, seed: 1);

        await storage.UploadAsync(segment, files, Ct);
        await storage.ReadAsync(segment, RemoteFileType.Segment, 900, new byte[500], Ct);
        await storage.ReadAsync(segment, RemoteFileType.Segment, 0, new byte[10], Ct);
        await storage.GetLengthAsync(segment, RemoteFileType.Segment, Ct);
        await storage.ListSegmentIdsAsync(segment.TopicId, 0, Ct);
        await storage.DeleteAsync(segment, Ct);

        Assert.Equal(1, storage.Uploads);
        Assert.Equal(1000 + (8 * 37) + (12 * 23), storage.UploadedBytes);
        Assert.Equal(2, storage.Reads);
        Assert.Equal(110, storage.ReadBytes);
        Assert.Equal(1, storage.LengthRequests);
        Assert.Equal(1, storage.Lists);
        Assert.Equal(1, storage.Deletes);

        storage.Reset();
        Assert.Equal(0, storage.Uploads + storage.UploadedBytes + storage.Reads + storage.ReadBytes + storage.LengthRequests + storage.Lists + storage.Deletes);
    }
}
