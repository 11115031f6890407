namespace Fjord.Tiering;

/// <summary>The replicas a broker hosts, for the remote log manager (the broker's replica manager implements it).</summary>
public interface ITieredReplicas
{
    int LocalBrokerId { get; }

    /// <summary>A fenced broker may be a deposed leader, or looking at another cluster's store: it must upload and delete nothing.</summary>
    bool IsFenced { get; }

    /// <summary>Replicas of tiered topics that are ready for the tier (not waiting to learn where the remote tier ends).</summary>
    IEnumerable<ITieredReplica> TieredReplicas { get; }
}
