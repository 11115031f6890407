namespace Fjord.ControlPlane.Client.Cluster;

/// <summary><c>/api/v1/cluster</c>: facts about the cluster the control plane manages.</summary>
public sealed class ClusterClient
{
    public const string ConnectionRoute = "v1/cluster/connection";
    public const string StatusRoute = "v1/cluster/status";

    private readonly ControlPlaneClient _client;

    public ClusterClient(ControlPlaneClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        _client = client;
    }

    /// <summary>The bootstrap servers and CA a tenant's client configuration needs.</summary>
    public async Task<ClusterConnectionModel> GetConnectionAsync(CancellationToken ct = default) =>
        (await _client.SendForValueAsync<ClusterConnectionModel>(HttpMethod.Get, ConnectionRoute, null, null, ct).ConfigureAwait(false)).Value;

    /// <summary>The cluster's status (operator keys only); with <paramref name="partitions"/>, every unhealthy partition too.</summary>
    public async Task<ClusterStatusModel> GetStatusAsync(bool partitions = false, CancellationToken ct = default) =>
        (await _client.SendForValueAsync<ClusterStatusModel>(HttpMethod.Get, partitions ? StatusRoute + "?detail=partitions" : StatusRoute, null, null, ct).ConfigureAwait(false)).Value;
}
