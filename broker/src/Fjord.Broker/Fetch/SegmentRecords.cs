using Fjord.Log;
using Fjord.Protocol;

namespace Fjord.Broker.Fetch;

/// <summary>A log read as file records: the segment stays pinned until the response is sent.</summary>
internal sealed class SegmentRecords(LogReadResult read) : FileRecords(read.Length)
{
    public override FileStream File => read.File;

    public override long FilePosition => read.Position;

    protected override void ReadInto(Span<byte> destination) => read.CopyTo(destination);

    protected override void ReleaseFile() => read.Dispose();
}
