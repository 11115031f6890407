using System.Reflection;
using Fjord.Broker.Replicas;
using Fjord.Cluster;
using Fjord.Tiering;

namespace Fjord.Broker.Operations;

/// <summary>
/// This broker's status as it sees itself: the partitions it leads and follows by its own replicas' roles (which
/// may be a moment ahead of or behind the controller's rows), the under-replicated ones among those it leads, and
/// its Blob tier's upload lag, which nothing but the leader knows.
/// </summary>
public sealed class BrokerStatusMeasure(int nodeId, Func<Guid> incarnationId, ReplicaManager replicas, RemoteLogManager? tiering, DateTimeOffset startedAt)
{
    private static readonly string BrokerVersion =
        typeof(BrokerStatusMeasure).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    public BrokerStatus Measure(DateTimeOffset now, TimeSpan refreshInterval)
    {
        var leaders = 0;
        var followers = 0;
        var underReplicated = 0;
        foreach (var partition in replicas.Hosted)
        {
            if (!partition.IsLeader)
            {
                followers++;
                continue;
            }
            leaders++;
            // A replica still being added by a reassignment is not missing from the ISR yet: Kafka counts it the same way.
            if (partition.State is { } state && partition.Isr.Count < state.Replicas.Count - (state.AddingReplicas?.Count ?? 0))
                underReplicated++;
        }
        var lag = tiering?.UploadStatus() is { } upload
            ? new BrokerTierLag(upload.LagSegments, upload.LagBytes, upload.OldestWaitingSince, upload.FailingPartitions, upload.LastErrorKind)
            : BrokerTierLag.None;
        return new BrokerStatus(nodeId, incarnationId(), BrokerVersion, startedAt, now, refreshInterval, leaders, followers, underReplicated, lag);
    }
}
