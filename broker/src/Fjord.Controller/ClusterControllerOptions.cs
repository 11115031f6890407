namespace Fjord.Controller;

/// <summary>
/// What the controller loop needs to know, filled from the broker's config under Kafka's names
/// by the broker's composition root. <see cref="IncarnationId"/> is this broker process's incarnation: the
/// controller lease belongs to it, so a restarted broker never acts on its predecessor's lease.
/// </summary>
public sealed record ClusterControllerOptions
{
    public required int NodeId { get; init; }

    public required Guid IncarnationId { get; init; }

    /// <summary>fjord.controller.lease.ms: how long a silent controller keeps the lease.</summary>
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(6);

    /// <summary>fjord.controller.tick.ms: how often the holder re-reads broker liveness and the metadata version.</summary>
    public TimeSpan Tick { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>broker.session.timeout.ms: a broker whose heartbeat value has not moved for this long is dead.</summary>
    public TimeSpan SessionTimeout { get; init; } = TimeSpan.FromSeconds(6);

    public bool UncleanLeaderElectionEnable { get; init; }

    public bool AutoLeaderRebalanceEnable { get; init; } = true;

    public TimeSpan LeaderImbalanceCheckInterval { get; init; } = TimeSpan.FromSeconds(300);

    public int LeaderImbalancePerBrokerPercentage { get; init; } = 10;

    public int OffsetsTopicNumPartitions { get; init; } = 50;

    public short OffsetsTopicReplicationFactor { get; init; } = 3;

    public int TransactionStateLogNumPartitions { get; init; } = 50;

    public short TransactionStateLogReplicationFactor { get; init; } = 3;

    /// <summary>
    /// The metadata version this broker's cache already polls; when set the controller reads it
    /// instead of the version row (one Table request per tick less). Admin changes nudge the
    /// controller, so only other brokers' changes wait for the next poll.
    /// </summary>
    public Func<long>? KnownVersion { get; init; }
}
