using Fjord.Cluster;
using Fjord.Security.Tenancy;

namespace Fjord.ControlPlane.Usage;

/// <summary>
/// Rolls up what the brokers publish about the partitions they lead (the partition stats table) into each tenant's
/// hourly usage. The control plane keeps no state between runs: the cursor row says where the last roll-up stopped.
/// Run every few minutes, so an hour's records land in (nearly) the right hour; a missed run only moves them to the next.
/// </summary>
/// <remarks>Cost per run: one topic listing, one query per tenant topic, and per tenant two reads and one transaction.</remarks>
public sealed class TenantUsageRollup(ITenantStore tenants, TableMetadataStore metadata, TablePartitionStatsStore stats, TenantUsageStore usage, TimeProvider time)
{
    /// <returns>How many tenants were rolled up.</returns>
    public async Task<int> RunAsync(CancellationToken ct)
    {
        await usage.InitializeAsync(ct).ConfigureAwait(false);
        var now = time.GetUtcNow();
        var topics = await metadata.ListTopicsAsync(ct).ConfigureAwait(false);
        var rolled = 0;
        foreach (var tenant in await tenants.ListAsync(ct).ConfigureAwait(false))
        {
            var scope = new TenantScope(tenant);
            var owned = topics.Where(t => scope.Owns(t.Name)).ToList();
            var snapshot = await SnapshotAsync(owned, ct).ConfigureAwait(false);
            await usage.AddAsync(tenant.Id, snapshot, now, ct).ConfigureAwait(false);
            rolled++;
        }
        return rolled;
    }

    private async Task<TenantUsageSnapshot> SnapshotAsync(List<TopicMetadata> topics, CancellationToken ct)
    {
        var endOffsets = new Dictionary<Guid, long>();
        long retained = 0;
        var partitions = 0;
        foreach (var topic in topics)
        {
            partitions += topic.PartitionCount;
            long end = 0;
            // Rows of a deleted topic stay in the stats table; the topic id tells them from the live topic's.
            foreach (var row in await stats.ReadTopicAsync(topic.Name, ct).ConfigureAwait(false))
            {
                if (row.TopicId != topic.TopicId) continue;
                end += row.LogEndOffset;
                retained += RetainedBytes(row);
            }
            endOffsets[topic.TopicId] = end;
        }
        return new TenantUsageSnapshot(endOffsets, retained, partitions, topics.Count);
    }

    /// <summary>The local segments as measured, plus the tiered part (log start to local log start) at the local average record size.</summary>
    internal static long RetainedBytes(PartitionStats row)
    {
        var tieredRecords = Math.Max(0, row.LocalLogStartOffset - row.LogStartOffset);
        var tiered = row.AverageRecordBytes is { } average ? (long)(tieredRecords * average) : 0;
        return row.LocalSizeBytes + tiered;
    }
}
