using System.Net;
using System.Runtime.CompilerServices;

namespace Fjord.ControlPlane.Client.Groups;

/// <summary><c>/api/v1/tenants/{tenant}/groups</c>: a tenant's consumer groups (active and inactive) and a group's lag. Read only.</summary>
public sealed class GroupsClient
{
    private readonly ControlPlaneClient _client;

    public GroupsClient(ControlPlaneClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        _client = client;
    }

    /// <summary>One page; pass the previous page's <see cref="GroupPageModel.Next"/> as <paramref name="continuation"/>.</summary>
    public async Task<GroupPageModel> ListPageAsync(string tenant, int? limit = null, string? continuation = null, CancellationToken ct = default)
    {
        var route = new RouteBuilder(CollectionRoute(tenant)).Query("limit", limit).Query("continuation", continuation).ToString();
        return (await _client.SendForValueAsync<GroupPageModel>(HttpMethod.Get, route, null, null, ct).ConfigureAwait(false)).Value;
    }

    /// <summary>Every group of the tenant, page after page.</summary>
    public async IAsyncEnumerable<GroupSummaryModel> ListAllAsync(string tenant, int? pageSize = null, [EnumeratorCancellation] CancellationToken ct = default)
    {
        string? continuation = null;
        do
        {
            var page = await ListPageAsync(tenant, pageSize, continuation, ct).ConfigureAwait(false);
            foreach (var group in page.Items) yield return group;
            continuation = page.Next;
        }
        while (continuation is not null);
    }

    /// <returns>The group's lag, or null when the tenant has no such group.</returns>
    public async Task<GroupLagModel?> GetLagAsync(string tenant, string group, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(group);
        var route = CollectionRoute(tenant) + "/" + Uri.EscapeDataString(group) + "/lag";
        var response = await _client.SendAsync<GroupLagModel>(HttpMethod.Get, route, null, null, [HttpStatusCode.OK, HttpStatusCode.NotFound], ct).ConfigureAwait(false);
        return response.Value;
    }

    private static string CollectionRoute(string tenant)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tenant);
        return "v1/tenants/" + Uri.EscapeDataString(tenant) + "/groups";
    }
}
