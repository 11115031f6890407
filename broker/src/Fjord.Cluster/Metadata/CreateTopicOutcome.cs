namespace Fjord.Cluster;

public enum CreateTopicOutcome
{
    Created,

    /// <summary>A topic of that name exists (possibly created by a concurrent caller that won the race).</summary>
    AlreadyExists,
}
