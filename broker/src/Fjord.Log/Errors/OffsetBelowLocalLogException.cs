namespace Fjord.Log;

/// <summary>
/// The requested offset is at or above the log start offset but below the local log start offset:
/// a tiered log deleted it locally after uploading it, so the broker serves it from the remote tier
/// (it is not OFFSET_OUT_OF_RANGE).
/// </summary>
public sealed class OffsetBelowLocalLogException : LogException
{
    public OffsetBelowLocalLogException(long offset, long localLogStartOffset, string message) : base(message)
    {
        Offset = offset;
        LocalLogStartOffset = localLogStartOffset;
    }

    /// <summary>The offset that was asked for.</summary>
    public long Offset { get; }

    /// <summary>The first offset still on local disk when the read was attempted.</summary>
    public long LocalLogStartOffset { get; }
}
