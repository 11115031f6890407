namespace Fjord.Cluster;

/// <summary>
/// One observation of a moving offset: by <see cref="TimeMs"/> (Unix milliseconds) the offset had reached
/// <see cref="Offset"/> — a partition's high watermark, or a group's committed offset in it.
/// </summary>
public readonly record struct LogSample(long TimeMs, long Offset);
