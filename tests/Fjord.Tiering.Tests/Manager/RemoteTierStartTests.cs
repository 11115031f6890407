using Fjord.Log.Checkpoints;

namespace Fjord.Tiering.Tests.Manager;

public sealed class RemoteTierStartTests
{
    private static readonly Guid TopicId = Guid.NewGuid();

    private static RemoteSegmentMetadata Entry(long baseOffset, long endOffset, RemoteSegmentState state, params EpochEntry[] epochs) =>
        new(TopicId, "events", 0, Guid.NewGuid(), baseOffset, endOffset, 0, 100, epochs, state, 1, 1, DateTimeOffset.UnixEpoch);

    [Fact]
    public void NothingUploadedMeansTheReplicaStartsFromScratch()
    {
        Assert.Null(RemoteTierStart.From([]));
        Assert.Null(RemoteTierStart.From([Entry(0, 99, RemoteSegmentState.CopyStarted), Entry(0, 99, RemoteSegmentState.DeleteStarted)]));
    }

    [Fact]
    public void TheLocalLogStartsAfterTheLastFinishedUploadAndTheLogAtTheFirst()
    {
        var start = RemoteTierStart.From([
            Entry(200, 299, RemoteSegmentState.CopyFinished, new EpochEntry(1, 200), new EpochEntry(2, 250)),
            Entry(100, 199, RemoteSegmentState.CopyFinished, new EpochEntry(1, 100)),
            Entry(300, 399, RemoteSegmentState.CopyStarted, new EpochEntry(2, 300)),
            Entry(0, 99, RemoteSegmentState.DeleteFinished, new EpochEntry(0, 0)),
        ]);

        Assert.NotNull(start);
        Assert.Equal(100, start.LogStartOffset);
        Assert.Equal(300, start.LocalStartOffset);
        // Each entry repeats the epoch in force at its base: only the start of each epoch is kept.
        Assert.Equal([new EpochEntry(1, 100), new EpochEntry(2, 250)], start.Epochs);
    }
}
