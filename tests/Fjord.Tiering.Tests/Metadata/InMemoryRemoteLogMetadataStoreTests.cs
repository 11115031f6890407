namespace Fjord.Tiering.Tests;

public sealed class InMemoryRemoteLogMetadataStoreTests : RemoteLogMetadataStoreContractTests
{
    protected override Task<IRemoteLogMetadataStore> CreateStoreAsync() =>
        Task.FromResult<IRemoteLogMetadataStore>(new InMemoryRemoteLogMetadataStore(Time));

    [Fact]
    public async Task ACallerMutatingItsEpochListDoesNotChangeTheStoredEntry()
    {
        var store = new InMemoryRemoteLogMetadataStore(Time);
        var epochs = new List<Fjord.Log.Checkpoints.EpochEntry> { new(1, 0) };
        var segment = Segment(Guid.NewGuid()) with { LeaderEpochs = epochs };
        await store.AddCopyStartedAsync(segment, Ct);

        epochs.Add(new(2, 50));

        Assert.Single(Assert.Single(await store.ListAsync(segment.TopicId, 0, Ct)).LeaderEpochs);
    }
}
