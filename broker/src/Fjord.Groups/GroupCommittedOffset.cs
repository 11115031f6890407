namespace Fjord.Groups;

/// <summary>One committed offset of a group this broker coordinates, as <see cref="GroupCoordinator.CommittedOffsets"/> lists it (stored names).</summary>
public readonly record struct GroupCommittedOffset(string GroupId, string Topic, int Partition, long Offset);
