using Fjord.Cluster;
using Fjord.Tiering;

namespace Fjord.Broker.Tiering;

/// <summary>
/// Removes the Blob-tier data of every deleted topic (the metadata's topic tombstones), run by the controller. The
/// broker that handles DeleteTopics starts the removal itself, but a topic deleted by the control plane (which only
/// writes the tombstone) or a broker that died half-way would leave blobs and manifest rows nothing ever removes.
/// </summary>
/// <remarks>
/// A tombstone is purged once per controller term (one manifest query when nothing is left), at most
/// <see cref="MaxTopicsPerPass"/> per pass so a long backlog does not hold up the next. For
/// <see cref="RecheckFor"/> after its purge it is looked at again every pass: an upload that was already under way
/// on the old leader when the topic was deleted can still record a segment, and must not become an orphan.
/// </remarks>
public sealed class DeletedTopicTierSweeper(Func<MetadataSnapshot> metadata, RemoteLogManager tiering, TimeProvider time)
{
    public const int MaxTopicsPerPass = 32;

    public static readonly TimeSpan RecheckFor = TimeSpan.FromMinutes(5);

    private readonly Dictionary<Guid, DateTimeOffset> _purgedAt = [];

    public async Task SweepAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var pending = metadata().DeletedTopicIds
            .Where(id => !_purgedAt.TryGetValue(id, out var at) || now - at < RecheckFor)
            .OrderBy(id => _purgedAt.ContainsKey(id))
            .Take(MaxTopicsPerPass)
            .ToList();
        foreach (var topicId in pending)
        {
            if (await tiering.PurgeTopicAsync(topicId, ct).ConfigureAwait(false))
                _purgedAt.TryAdd(topicId, now);
        }
    }
}
