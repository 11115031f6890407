namespace Fjord.Log;

/// <summary>A record's timestamp and offset, as ListOffsets returns them.</summary>
public readonly record struct TimestampOffset(long Timestamp, long Offset);
