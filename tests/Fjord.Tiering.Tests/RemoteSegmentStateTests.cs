namespace Fjord.Tiering.Tests;

public sealed class RemoteSegmentStateTests
{
    [Fact]
    public void TheLifecycleIsKafkasFourStatesInOrder() =>
        Assert.Equal(
            [RemoteSegmentState.CopyStarted, RemoteSegmentState.CopyFinished, RemoteSegmentState.DeleteStarted, RemoteSegmentState.DeleteFinished],
            Enum.GetValues<RemoteSegmentState>());
}
