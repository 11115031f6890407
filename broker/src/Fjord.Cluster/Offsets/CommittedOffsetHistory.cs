namespace Fjord.Cluster;

/// <summary>A group's committed offset in one partition, with the recent history of its commits (oldest first; may be empty).</summary>
public sealed record CommittedOffsetHistory(CommittedOffset Offset, IReadOnlyList<LogSample> Samples);
