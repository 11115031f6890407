using Azure;
using Fjord.Cluster;
using Fjord.Security.Tenancy;

namespace Fjord.ControlPlane.Groups;

/// <summary>
/// A tenant's consumer groups and their lag, read from what the brokers store: committed offsets and group records
/// in the offsets table (the coordinators write them), partition stats in the stats table (the leaders publish them
/// every few seconds), topic configs in the metadata table. Inactive groups are listed like active ones: a group
/// exists here as long as it has committed offsets or a group record. Reads only; never writes.
/// </summary>
/// <remarks>
/// Table operations: a group's lag is 1 (tenant) + 1 (the group's partition: record and offsets) + 2 per topic it
/// committed in (topic row, stats of the topic's partitions). A page of the group list adds 1 (the group index) and
/// shares the topic reads among the page's groups.
/// </remarks>
public sealed class GroupAdministration
{
    public const int MaxPageSize = 1000;

    /// <summary>Longer ids are refused: Kafka sets no bound, but a URL segment and a sane listing want one.</summary>
    public const int MaxGroupIdLength = 255;

    private readonly TableConsumerGroupReader _groups;
    private readonly TablePartitionStatsStore _stats;
    private readonly TableMetadataStore _metadata;
    private readonly ITenantStore _tenants;
    private readonly TimeProvider _time;
    private readonly TimeSpan _rateWindow;

    public GroupAdministration(TableConsumerGroupReader groups, TablePartitionStatsStore stats, TableMetadataStore metadata, ITenantStore tenants, TimeProvider time,
        TimeSpan? rateWindow = null)
    {
        ArgumentNullException.ThrowIfNull(groups);
        ArgumentNullException.ThrowIfNull(stats);
        ArgumentNullException.ThrowIfNull(metadata);
        ArgumentNullException.ThrowIfNull(tenants);
        ArgumentNullException.ThrowIfNull(time);
        _groups = groups;
        _stats = stats;
        _metadata = metadata;
        _tenants = tenants;
        _time = time;
        _rateWindow = rateWindow ?? RateEstimation.DefaultWindow;
    }

    /// <summary>Null when <paramref name="group"/> is a usable group id, else what is wrong with it.</summary>
    public static string? GroupIdProblem(string? group)
    {
        if (string.IsNullOrEmpty(group)) return "A group id must not be empty";
        if (group.Length > MaxGroupIdLength) return $"Group id '{group[..40]}…' is {group.Length} characters long; at most {MaxGroupIdLength} are allowed";
        if (group.Any(char.IsControl)) return $"Group id '{group}' contains a control character; use printable characters only";
        return null;
    }

    /// <summary>The tenant's groups in id order, active and inactive, each with its lag, <paramref name="limit"/> at a time after <paramref name="after"/>.</summary>
    public async Task<GroupPage> ListAsync(string tenantId, int limit, string? after, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, MaxPageSize);
        var tenant = await TenantAsync(tenantId, ct).ConfigureAwait(false);
        var ids = await _groups.ListGroupIdsAsync(tenant.Prefix, ct).ConfigureAwait(false);
        var topics = new Dictionary<string, TopicFigures?>(StringComparer.Ordinal);
        var items = new List<GroupLag>(Math.Min(limit, 64));
        string? next = null;
        foreach (var stored in ids)
        {
            var name = stored[tenant.Prefix.Length..];
            if (after is not null && string.CompareOrdinal(name, after) <= 0) continue;
            if (items.Count == limit)
            {
                next = items[^1].Group;
                break;
            }
            // Deleted between the listing and the read: not part of the page.
            if (await _groups.ReadGroupAsync(stored, ct).ConfigureAwait(false) is { } snapshot)
                items.Add(await LagOfAsync(tenant, name, snapshot, topics, ct).ConfigureAwait(false));
        }
        return new GroupPage(items, next);
    }

    /// <summary>The group's lag per partition, its totals and the earliest retention forecast.</summary>
    /// <exception cref="GroupAdministrationException">Bad ids, no such tenant, no such group.</exception>
    public async Task<GroupLag> LagAsync(string tenantId, string group, CancellationToken ct)
    {
        var tenant = await TenantAsync(tenantId, ct).ConfigureAwait(false);
        if (GroupIdProblem(group) is { } problem) throw new GroupAdministrationException(GroupErrorKind.Invalid, problem);
        var snapshot = await _groups.ReadGroupAsync(tenant.Prefix + group, ct).ConfigureAwait(false)
            ?? throw new GroupAdministrationException(GroupErrorKind.NotFound,
                $"Group {group} of tenant {tenant.Id} does not exist: it has no committed offsets and no members (check the id, or let its consumers commit)");
        return await LagOfAsync(tenant, group, snapshot, new Dictionary<string, TopicFigures?>(StringComparer.Ordinal), ct).ConfigureAwait(false);
    }

    private async Task<GroupLag> LagOfAsync(TenantScope tenant, string group, ConsumerGroupSnapshot snapshot, Dictionary<string, TopicFigures?> topics,
        CancellationToken ct)
    {
        var now = _time.GetUtcNow();
        var partitions = new List<PartitionLag>(snapshot.Offsets.Count);
        foreach (var committed in snapshot.Offsets)
        {
            // Only the tenant's own topics: a stored offset of anything else is not the tenant's business.
            if (!tenant.TryToClient(committed.Offset.Topic, out var topicName)) continue;
            if (!topics.TryGetValue(committed.Offset.Topic, out var figures))
                topics[committed.Offset.Topic] = figures = await TopicFiguresAsync(committed.Offset.Topic, ct).ConfigureAwait(false);
            var stats = figures?.Stats.GetValueOrDefault(committed.Offset.Partition);
            var retention = figures?.Retention ?? RetentionSettings.From(new Dictionary<string, string>());
            partitions.Add(PartitionLagCalculator.Compute(topicName, committed, stats, retention, now, _rateWindow));
        }
        return Summarise(group, snapshot, partitions);
    }

    private static GroupLag Summarise(string group, ConsumerGroupSnapshot snapshot, List<PartitionLag> partitions)
    {
        var state = snapshot.MemberCount switch
        {
            null => "Unknown",
            0 => "Empty",
            _ => "Stable",
        };
        long? total = null;
        double? maxSeconds = null;
        RetentionForecast? earliest = null;
        PartitionLag? earliestAt = null;
        foreach (var partition in partitions)
        {
            if (partition.Lag is { } lag) total = (total ?? 0) + lag;
            if (partition.LagSeconds is { } seconds) maxSeconds = Math.Max(maxSeconds ?? 0, seconds);
            var next = earliest is null ? partition.Forecast : RetentionForecast.Earliest(earliest, partition.Forecast);
            if (!ReferenceEquals(next, earliest))
            {
                earliest = next;
                earliestAt = partition;
            }
        }
        earliest ??= RetentionForecast.Never;
        var pointsAtPartition = earliest.Status is ForecastStatus.Expected or ForecastStatus.Losing;
        return new GroupLag(group, state, snapshot.MemberCount, total, maxSeconds, earliest,
            pointsAtPartition ? earliestAt?.Topic : null, pointsAtPartition ? earliestAt?.Partition : null, partitions);
    }

    /// <summary>The topic's retention and its partitions' stats of its current incarnation; null when the topic no longer exists.</summary>
    private async Task<TopicFigures?> TopicFiguresAsync(string storedTopic, CancellationToken ct)
    {
        TopicMetadata? topic;
        try
        {
            topic = await _metadata.GetTopicAsync(storedTopic, ct).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            topic = null;
        }
        if (topic is null) return null;
        var stats = new Dictionary<int, PartitionStats>();
        foreach (var row in await _stats.ReadTopicAsync(storedTopic, ct).ConfigureAwait(false))
            if (row.TopicId == topic.TopicId) stats[row.Partition] = row;
        return new TopicFigures(RetentionSettings.From(topic.Configs), stats);
    }

    private async Task<TenantScope> TenantAsync(string tenantId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        if (TenantNamespace.IdProblem(tenantId) is { } problem) throw new GroupAdministrationException(GroupErrorKind.Invalid, problem);
        var tenant = await _tenants.GetAsync(tenantId, ct).ConfigureAwait(false)
            ?? throw new GroupAdministrationException(GroupErrorKind.NotFound, $"Tenant {tenantId} does not exist");
        return new TenantScope(tenant);
    }

    private sealed record TopicFigures(RetentionSettings Retention, Dictionary<int, PartitionStats> Stats);
}
