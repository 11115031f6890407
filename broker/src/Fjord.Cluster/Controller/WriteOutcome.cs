namespace Fjord.Cluster;

/// <summary>Outcome of a fenced controller write. Conflicts are outcomes, not exceptions.</summary>
public enum WriteOutcome
{
    Written,

    /// <summary>The token is stale: another node took the lease (or it was renewed by another token). Nothing of that transaction was written.</summary>
    Fenced,

    /// <summary>
    /// A partition row did not hold its expected partition epoch (or existed where none was
    /// expected), or its topic does not exist. Nothing of that transaction was written; re-read and re-plan.
    /// </summary>
    Conflict,
}
