using Fjord.Cluster;

namespace Fjord.ControlPlane.Cluster;

/// <summary>
/// Reads what <see cref="ClusterStatusComputation"/> judges: the broker registrations, the controller lease, topics
/// and partition rows from the metadata table, and the brokers' status rows. Five queries, made at once; none writes.
/// </summary>
public sealed class ClusterStatusReader(IMetadataStore metadata, IControllerStore controller, IBrokerStatusStore statuses, TimeProvider time,
    ClusterStatusOptions options)
{
    public async Task<ClusterStatusView> GetAsync(bool includePartitions, CancellationToken ct)
    {
        var brokers = metadata.ListBrokersAsync(ct);
        var lease = controller.GetControllerAsync(ct);
        var topics = metadata.ListTopicsAsync(ct);
        var partitions = controller.ListPartitionStatesAsync(ct);
        var rows = statuses.ListAsync(ct);
        await Task.WhenAll(brokers, lease, topics, partitions, rows).ConfigureAwait(false);
        return ClusterStatusComputation.Compute(await brokers.ConfigureAwait(false), await lease.ConfigureAwait(false), await topics.ConfigureAwait(false),
            await partitions.ConfigureAwait(false), await rows.ConfigureAwait(false), time.GetUtcNow(), options, includePartitions);
    }
}
