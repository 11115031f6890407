using Fjord.Cluster;
using Fjord.Protocol;

namespace Fjord.Controller;

/// <summary>
/// What an election decided. <see cref="State"/> is the partition row to write (compare-and-swap on the
/// old PartitionEpoch) when <see cref="Changed"/>, and the unchanged input otherwise. <see cref="Error"/> is
/// None for every outcome the controller should just apply (including going offline) and an ElectLeaders
/// error code (ELECTION_NOT_NEEDED, PREFERRED_LEADER_NOT_AVAILABLE) when an explicit election did nothing.
/// </summary>
public sealed record ElectionResult(PartitionState State, bool Changed, ErrorCode Error, string? ErrorMessage)
{
    public bool IsOffline => State.Leader == PartitionState.NoLeader;

    public static ElectionResult Unchanged(PartitionState state) => new(state, false, ErrorCode.None, null);

    public static ElectionResult Updated(PartitionState state) => new(state, true, ErrorCode.None, null);

    public static ElectionResult Refused(PartitionState state, ErrorCode error, string message) => new(state, false, error, message);
}
