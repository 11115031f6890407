using Fjord.Cluster;
using Fjord.Protocol;

namespace Fjord.Broker.Admin;

/// <summary>
/// Kafka's AutoTopicCreationManager: creates a topic that a Metadata request names and nobody has made
/// yet (when auto.create.topics.enable allows it; never an internal topic), then waits briefly for the
/// controller to give its partitions leaders so the client can produce at once.
/// </summary>
public sealed class AutoTopicCreationManager(TopicAdmin admin, MetadataCache metadata, bool autoCreateTopicsEnable)
{
    /// <summary>How long an auto-creating Metadata request waits for the new partitions' leaders (Kafka's client retries anyway).</summary>
    private static readonly TimeSpan LeaderWait = TimeSpan.FromSeconds(5);

    /// <summary>Whether a request at this version with this flag may create topics at all.</summary>
    public bool Allows(short apiVersion, bool allowAutoTopicCreation) =>
        autoCreateTopicsEnable && (apiVersion < 4 || allowAutoTopicCreation);

    /// <summary>
    /// Creates <paramref name="name"/> with the broker's defaults (created by someone else first is as good),
    /// and returns the snapshot that has it, or the error a client should see.
    /// </summary>
    public async Task<(ErrorCode Error, TopicMetadata? Topic, MetadataSnapshot Snapshot)> CreateAsync(string name, CancellationToken ct)
    {
        var created = await admin.CreateAsync(name, -1, -1, new Dictionary<string, string>(), null, validateOnly: false, ct);
        if (created.Error is not ErrorCode.None and not ErrorCode.TopicAlreadyExists)
        {
            // The store being out of reach is transient: LEADER_NOT_AVAILABLE makes clients retry quietly.
            return (created.Error == ErrorCode.RequestTimedOut ? ErrorCode.LeaderNotAvailable : created.Error, null, metadata.Current);
        }

        // Created here or by someone else first: the refreshed cache has it, with leaders if the controller was quick.
        if (created.Error == ErrorCode.None)
            await admin.AwaitLeadersAsync(name, 0, created.Topic!.PartitionCount, LeaderWait, ct);
        else
            await admin.RefreshQuietlyAsync(ct, force: true);
        var current = metadata.Current;
        return current.TopicsByName.TryGetValue(name, out var made)
            ? (ErrorCode.None, made, current)
            : (ErrorCode.LeaderNotAvailable, null, current);
    }
}
