namespace Fjord.Cluster;

public enum UpdateOutcome
{
    Updated,
    NotFound,

    /// <summary>The change function returned null: nothing was written and the version did not move.</summary>
    Unchanged,
}
