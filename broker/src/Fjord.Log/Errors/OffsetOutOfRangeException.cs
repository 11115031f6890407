namespace Fjord.Log;

/// <summary>The requested offset lies outside [LogStartOffset, LogEndOffset] or above the high watermark (Kafka OFFSET_OUT_OF_RANGE).</summary>
public sealed class OffsetOutOfRangeException : LogException
{
    public OffsetOutOfRangeException(string message) : base(message)
    {
    }

    public OffsetOutOfRangeException(string message, Exception inner) : base(message, inner)
    {
    }
}
