namespace Fjord.Cluster;

/// <summary>
/// The cluster's metadata: what ZooKeeper/KRaft hold for Kafka. Every change bumps a single
/// version number in the same atomic write, so a broker learns "something changed" from one cheap
/// read of <see cref="GetVersionAsync"/> and re-reads only then. Heartbeats are not changes.
/// </summary>
public interface IMetadataStore
{
    /// <summary>Where the store lives (account endpoint and table), for messages to operators.</summary>
    string Location { get; }

    /// <summary>
    /// The Kafka-style cluster id (22 chars, base64url of a random UUID), creating the store and the
    /// id if there is none. Called only to form a new cluster: every later caller, in any process,
    /// gets the same value.
    /// </summary>
    Task<string> GetOrCreateClusterIdAsync(CancellationToken ct);

    /// <summary>
    /// The cluster id, or null when the store holds none (its table is missing, or was re-created
    /// empty). Never creates anything: a broker with data must not take an empty store for its cluster.
    /// </summary>
    Task<string?> GetClusterIdAsync(CancellationToken ct);

    /// <summary>
    /// The ids of every topic deleted from this cluster. A log is removed only when its topic's
    /// deletion is known this way (or the name was re-created under a new id), never because a
    /// listing came back without it.
    /// </summary>
    Task<IReadOnlySet<Guid>> ListDeletedTopicIdsAsync(CancellationToken ct);

    /// <summary>The metadata version; grows on every change, 0 before the first (or when the store is missing).</summary>
    Task<long> GetVersionAsync(CancellationToken ct);

    /// <summary>All topics as one consistent snapshot (no torn read across pages), ordered by name.</summary>
    Task<IReadOnlyList<TopicMetadata>> ListTopicsAsync(CancellationToken ct);

    Task<TopicMetadata?> GetTopicAsync(string name, CancellationToken ct);

    /// <summary>Creates the topic unless the name is taken; of concurrent creators exactly one sees <see cref="CreateTopicOutcome.Created"/>.</summary>
    Task<CreateTopicOutcome> CreateTopicAsync(TopicMetadata topic, CancellationToken ct);

    /// <summary>
    /// Deletes the topic. With <paramref name="expectedTopicId"/>, only that incarnation of the name
    /// is deleted, so a stale request cannot delete a re-created topic. False when nothing was deleted.
    /// </summary>
    Task<bool> DeleteTopicAsync(string name, Guid? expectedTopicId, CancellationToken ct);

    /// <summary>
    /// Read-modify-write with compare-and-swap: <paramref name="change"/> gets the current topic and
    /// returns the new one (same name and id), or null for no change. It may run more than once
    /// when writers race, so it must be a pure function of its argument. No update is ever lost.
    /// </summary>
    Task<UpdateOutcome> UpdateTopicAsync(string name, Func<TopicMetadata, TopicMetadata?> change, CancellationToken ct);

    /// <summary>Registers (or replaces) the broker with this node id; a new incarnation fences the old.</summary>
    Task RegisterBrokerAsync(BrokerRegistration registration, CancellationToken ct);

    /// <summary>
    /// Renews the broker's lease without bumping the version.
    /// Throws <see cref="BrokerFencedException"/> when <paramref name="incarnationId"/> is not the registered incarnation.
    /// </summary>
    Task HeartbeatAsync(int nodeId, Guid incarnationId, CancellationToken ct);

    /// <summary>
    /// Every registered broker, live or not, ordered by node id; judge liveness by <see cref="BrokerRegistration.LastHeartbeat"/>.
    /// Unlike the other listings not a snapshot when the rows span several query pages (each row is whole).
    /// </summary>
    Task<IReadOnlyList<BrokerRegistration>> ListBrokersAsync(CancellationToken ct);
}
