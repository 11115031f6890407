namespace Fjord.ControlPlane.Client.Usage;

/// <summary><c>/api/v1/tenants/{tenant}/usage</c>: a tenant's hourly usage as the reconciler rolls it up. Read only.</summary>
public sealed class UsageClient
{
    private readonly ControlPlaneClient _client;

    public UsageClient(ControlPlaneClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        _client = client;
    }

    /// <param name="hours">How many hours back from now (1 to 744; null: the server's default, 24).</param>
    public async Task<TenantUsageModel> GetAsync(string tenant, int? hours = null, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tenant);
        var route = new RouteBuilder("v1/tenants").Segment(tenant).Segment("usage").Query("hours", hours).ToString();
        return (await _client.SendForValueAsync<TenantUsageModel>(HttpMethod.Get, route, null, null, ct).ConfigureAwait(false)).Value;
    }
}
