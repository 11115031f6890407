using Fjord.Broker.Replicas;
using Fjord.Tiering;

namespace Fjord.Broker.Tenancy.Storage;

/// <summary>
/// The bytes retained by the partitions this broker leads, by topic: the local log plus the uploaded segments
/// below the local log start offset (those only Blob storage holds; a segment both local and uploaded counts
/// once). Only leaders count, so a replicated partition is counted once in the cluster, not once per replica.
/// </summary>
public sealed class LeaderRetainedBytes(ReplicaManager replicas, RemoteLogManager? tiering)
{
    public Dictionary<string, long> Measure()
    {
        var bytes = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var partition in replicas.Hosted)
        {
            if (!partition.IsLeader) continue;
            var log = partition.Log;
            // The size before the local start: a segment deleted locally in between is then counted in both (a
            // moment's overcount), never in neither.
            var retained = log.Size;
            if (tiering is not null && log.Config.RemoteStorageEnable)
                retained += tiering.RemoteOnlyBytes(log.Topic, log.Partition, log.LocalLogStartOffset);
            bytes[log.Topic] = bytes.GetValueOrDefault(log.Topic) + retained;
        }
        return bytes;
    }
}
