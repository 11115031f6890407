using Fjord.Cluster;
using Microsoft.Extensions.Logging;

namespace Fjord.Broker.Membership;

/// <summary>
/// Settles, before any log is opened, which cluster this broker serves: the one its log dirs'
/// meta.properties name, which the metadata store must hold. A store that is missing, empty or
/// another cluster's is refused (nothing is touched; the check repeats until the operator fixes it);
/// a new cluster is formed only by brokers whose log dirs are empty.
/// </summary>
public sealed partial class ClusterIdentity(
    IMetadataStore store, IReadOnlyList<string> logDirs, int nodeId, StoreAvailability availability, TimeProvider time, ILogger<ClusterIdentity> logger)
{
    private static readonly TimeSpan RecheckEvery = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan RepeatRefusalEvery = TimeSpan.FromSeconds(60);

    /// <summary>Returns the cluster id once the store and the log dirs agree; every log dir then records it.</summary>
    public async Task<string> EstablishAsync(CancellationToken ct)
    {
        string? lastRefusal = null;
        long lastLogged = 0;
        var what = $"the metadata store ({store.Location})";
        while (true)
        {
            var local = LogDirIdentity.Read(logDirs, nodeId);
            var stored = await availability.UntilAvailableAsync(what, store.GetClusterIdAsync, ct);
            var verdict = ClusterIdentityVerdict.Judge(local, stored, store.Location, nodeId);
            switch (verdict.Decision)
            {
                case ClusterIdentityVerdict.Kind.Join:
                    local.Adopt(verdict.ClusterId!, nodeId);
                    LogJoined(nodeId, verdict.ClusterId!);
                    return verdict.ClusterId!;
                case ClusterIdentityVerdict.Kind.FormNewCluster:
                    // Of brokers forming the cluster at once, one creates the id and the rest read it back.
                    var created = await availability.UntilAvailableAsync(what, store.GetOrCreateClusterIdAsync, ct);
                    local.Adopt(created, nodeId);
                    LogJoined(nodeId, created);
                    return created;
                default:
                    if (verdict.Refusal != lastRefusal || time.GetElapsedTime(lastLogged) >= RepeatRefusalEvery)
                    {
                        LogRefusal(verdict.Refusal!);
                        lastRefusal = verdict.Refusal;
                        lastLogged = time.GetTimestamp();
                    }
                    await Task.Delay(RecheckEvery, time, ct);
                    break;
            }
        }
    }

    [LoggerMessage(EventId = 112, Level = LogLevel.Information, Message = "Broker {NodeId} belongs to cluster {ClusterId}")]
    private partial void LogJoined(int nodeId, string clusterId);

    [LoggerMessage(EventId = 113, Level = LogLevel.Error, Message = "{Refusal}")]
    private partial void LogRefusal(string refusal);
}
