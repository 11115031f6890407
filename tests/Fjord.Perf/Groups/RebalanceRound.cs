namespace Fjord.Perf.Groups;

/// <summary>
/// One round, in ms from the leaving member's Close() call: <see cref="AssignedMs"/> when the
/// survivors' callbacks again covered every partition exactly once, <see cref="StableMs"/> when
/// DescribeConsumerGroups also said Stable with the survivors; <see cref="RejoinMs"/> is the same
/// for the member added back, from its Subscribe.
/// </summary>
internal sealed record RebalanceRound(int Round, double AssignedMs, double StableMs, double RejoinMs);
