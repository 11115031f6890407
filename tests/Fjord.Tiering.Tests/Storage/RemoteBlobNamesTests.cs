namespace Fjord.Tiering.Tests;

public sealed class RemoteBlobNamesTests
{
    [Fact]
    public void ASegmentIdIsParsedBackFromEveryFileName()
    {
        var segment = new RemoteSegmentMetadata(Guid.NewGuid(), "t", 12, Guid.NewGuid(), 42, 99, 0, 0, [], RemoteSegmentState.CopyStarted, 1, 1, DateTimeOffset.UnixEpoch);
        var prefix = RemoteBlobNames.PartitionPrefix(segment.TopicId, 12);

        foreach (var file in Enum.GetValues<RemoteFileType>())
        {
            Assert.True(RemoteBlobNames.TryParseSegmentId(RemoteBlobNames.Name(segment, file), prefix, out var id));
            Assert.Equal(segment.SegmentId, id);
        }
    }

    [Theory]
    [InlineData("notes.txt")]
    [InlineData("00000000000000000042-not-a-guid-at-all-but-long-enough-xx.log")]
    [InlineData("00000000000000000042_8d1c3a4e-95f1-4c32-9a55-0d7f7f0b2a11.log")]
    public void ABlobThisNamingDidNotProduceIsIgnored(string file)
    {
        var prefix = RemoteBlobNames.PartitionPrefix(Guid.NewGuid(), 0);

        Assert.False(RemoteBlobNames.TryParseSegmentId(prefix + file, prefix, out _));
    }
}
