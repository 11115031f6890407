namespace Fjord.Controller;

/// <summary>Why the controller changes a partition row; each is logged under its own event id.</summary>
public enum ControllerDecision
{
    /// <summary>A partition got its first state: replicas placed (or taken from the manual assignment), leader and ISR.</summary>
    PartitionCreated,

    /// <summary>A new leader was elected (the old one died or restarted, or a leaderless partition's ISR member returned).</summary>
    LeaderElected,

    /// <summary>An unclean election: a replica outside the ISR leads, accepting the loss of what it lacks.</summary>
    UncleanLeaderElected,

    /// <summary>The leader died and no live ISR member can take over: leader -1 until one returns.</summary>
    PartitionOffline,

    /// <summary>Dead (or restarted) followers left the ISR; the leader stays.</summary>
    IsrShrunk,

    /// <summary>Live replicas of a partition without a log (__consumer_offsets) rejoined its ISR: they hold every record there is.</summary>
    IsrExpanded,

    /// <summary>Leadership moved back to the preferred (first) replica.</summary>
    PreferredLeaderElected,

    /// <summary>A reassignment's new replicas all joined the ISR: the old ones were dropped.</summary>
    ReassignmentCompleted,
}
