using System.Buffers;

namespace Fjord.Protocol.Tests.Primitives;

/// <summary>
/// Where a spliced region's bytes end up: a small region is read into the frame (one send for many tiny
/// partitions), a large one stays in its file for the transport to sendfile.
/// </summary>
public sealed class ResponseBufferTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), "fjord-response-buffer-" + Guid.NewGuid().ToString("N"));
    private readonly byte[] _content = new byte[64 * 1024];
    private readonly FileStream _file;

    public ResponseBufferTests()
    {
        Random.Shared.NextBytes(_content);
        File.WriteAllBytes(_path, _content);
        _file = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous);
    }

    public void Dispose()
    {
        _file.Dispose();
        File.Delete(_path);
    }

    [Fact]
    public void ARegionBelowTheInlineSizeIsReadIntoTheFrameInPlace()
    {
        using var buffer = new ResponseBuffer(inlineBelowBytes: 4096);
        buffer.Write("ab"u8);
        using var region = new Region(_file, 100, 4095);

        buffer.Splice(region);
        buffer.Write("cd"u8);

        Assert.Equal(0, buffer.SpliceCount);
        Assert.Equal(2 + 4095 + 2, buffer.Length);
        var expected = "ab"u8.ToArray().Concat(_content.AsSpan(100, 4095).ToArray()).Concat("cd"u8.ToArray()).ToArray();
        Assert.Equal(expected, buffer.WrittenMemory.ToArray());
        Assert.Equal(0, region.BytesCopied);
        Assert.False(region.Released);
    }

    [Fact]
    public void ARegionAtTheInlineSizeStaysInItsFileUntilTheFrameIsSent()
    {
        var buffer = new ResponseBuffer(inlineBelowBytes: 4096);
        buffer.Write("ab"u8);
        var region = new Region(_file, 100, 4096);

        buffer.Splice(region);
        ((IDisposable)region).Dispose();
        buffer.Write("cd"u8);

        Assert.Equal(1, buffer.SpliceCount);
        Assert.Equal(2 + 4096 + 2, buffer.Length);
        Assert.Equal(4, buffer.WrittenCount);
        var parts = buffer.Parts.ToList();
        Assert.Equal(3, parts.Count);
        Assert.Same(region, parts[1].Records);
        Assert.False(region.Released);
        buffer.Dispose();
        Assert.True(region.Released);
    }

    [Fact]
    public void AnInlineSizeOfZeroSplicesEveryRegion()
    {
        using var buffer = new ResponseBuffer(inlineBelowBytes: 0);
        using var region = new Region(_file, 0, 1);

        buffer.Splice(region);

        Assert.Equal(1, buffer.SpliceCount);
        Assert.Equal(0, buffer.WrittenCount);
    }

    private sealed class Region(FileStream file, long position, int length) : FileRecords(length)
    {
        public bool Released { get; private set; }

        public override FileStream File => file;

        public override long FilePosition => position;

        protected override void ReadInto(Span<byte> destination) => RandomAccess.Read(file.SafeFileHandle, destination, position);

        protected override void ReleaseFile() => Released = true;
    }
}
