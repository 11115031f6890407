namespace Fjord.Broker.Membership;

/// <summary>
/// Kafka's rule, with Table storage in KRaft's place: a broker joins only the cluster its log dirs
/// belong to, forms a new cluster only with empty log dirs, and otherwise refuses, saying why.
/// </summary>
public sealed record ClusterIdentityVerdict(ClusterIdentityVerdict.Kind Decision, string? ClusterId, string? Refusal)
{
    public enum Kind
    {
        /// <summary>The store holds the cluster the log dirs belong to (or dirs with no identity yet join it).</summary>
        Join,

        /// <summary>An empty store and empty log dirs: the first broker of a new cluster creates its id.</summary>
        FormNewCluster,

        /// <summary>The store is missing, empty or another cluster's while the log dirs hold data.</summary>
        Refuse,
    }

    public static ClusterIdentityVerdict Judge(LogDirIdentity local, string? stored, string storeLocation, int nodeId)
    {
        var dirs = string.Join(',', local.LogDirs);
        if (stored is not null)
        {
            if (local.ClusterId is null || local.ClusterId == stored) return new(Kind.Join, stored, null);
            return new(Kind.Refuse, null,
                $"Broker {nodeId} refuses to serve: the metadata store ({storeLocation}) belongs to cluster {stored}, but its log dirs ({dirs}) hold data of cluster {local.ClusterId}. " +
                $"Nothing is deleted. Point fjord.metadata.connection.string / fjord.metadata.table at the store of cluster {local.ClusterId}, or restore it; " +
                "to make this broker join the other cluster instead, stop it and empty its log dirs. Retrying every few seconds.");
        }
        if (local.ClusterId is not null)
            return new(Kind.Refuse, null,
                $"Broker {nodeId} refuses to serve: the metadata store ({storeLocation}) holds no cluster id (its table is missing or was re-created empty), but its log dirs ({dirs}) hold data of cluster {local.ClusterId}. " +
                $"Nothing is deleted. Restore the metadata store of cluster {local.ClusterId}, or point fjord.metadata.connection.string at it; " +
                "to start a new cluster instead, stop this broker and empty its log dirs. Retrying every few seconds.");
        if (local.HasUnformattedData)
            return new(Kind.Refuse, null,
                $"Broker {nodeId} refuses to serve: the metadata store ({storeLocation}) holds no cluster id (its table is missing or was re-created empty), but its log dirs ({dirs}) hold partition data of an earlier cluster. " +
                "Nothing is deleted. Restore that cluster's metadata store, or point fjord.metadata.connection.string at it; " +
                "to start a new cluster instead, stop this broker and empty its log dirs. Retrying every few seconds.");
        return new(Kind.FormNewCluster, null, null);
    }
}
