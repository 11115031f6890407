namespace Fjord.ControlPlane.Client.Cluster;

/// <summary><c>/api/v1/cluster</c>: facts about the cluster the control plane manages.</summary>
public sealed class ClusterClient
{
    public const string ConnectionRoute = "v1/cluster/connection";

    private readonly ControlPlaneClient _client;

    public ClusterClient(ControlPlaneClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        _client = client;
    }

    /// <summary>The bootstrap servers and CA a tenant's client configuration needs.</summary>
    public async Task<ClusterConnectionModel> GetConnectionAsync(CancellationToken ct = default) =>
        (await _client.SendForValueAsync<ClusterConnectionModel>(HttpMethod.Get, ConnectionRoute, null, null, ct).ConfigureAwait(false)).Value;
}
