using Fjord.Log;

namespace Fjord.Tiering;

/// <summary>A partition replica as the remote log manager sees it: its log and its role.</summary>
public interface ITieredReplica
{
    string Topic { get; }

    int Partition { get; }

    PartitionLog Log { get; }

    bool IsLeader { get; }

    int LeaderEpoch { get; }
}
