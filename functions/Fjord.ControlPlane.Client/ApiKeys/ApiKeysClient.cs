using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json.Serialization;

namespace Fjord.ControlPlane.Client.ApiKeys;

/// <summary>
/// The control plane's API keys. With a tenant: <c>/api/v1/tenants/{tenant}/apikeys</c>, which an operator key or
/// that tenant's own keys may use (a tenant key cannot make a key that outlives itself). Without one:
/// <c>/api/v1/apikeys</c>, every key, operator keys only (a tenant key is refused with 403).
/// </summary>
public sealed class ApiKeysClient
{
    public const string CollectionRoute = "v1/apikeys";

    private readonly ControlPlaneClient _client;

    public ApiKeysClient(ControlPlaneClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        _client = client;
    }

    public static string TenantCollectionRoute(string tenant) => new RouteBuilder("v1/tenants").Segment(tenant).ToString() + "/apikeys";

    /// <summary>One page of the tenant's keys, or of every key when <paramref name="tenant"/> is null (operator keys only).</summary>
    public async Task<ApiKeyPageModel> ListPageAsync(string? tenant = null, int? limit = null, string? continuation = null, CancellationToken ct = default)
    {
        var route = new RouteBuilder(tenant is null ? CollectionRoute : TenantCollectionRoute(tenant)).Query("limit", limit).Query("continuation", continuation).ToString();
        return (await _client.SendForValueAsync<ApiKeyPageModel>(HttpMethod.Get, route, null, null, ct).ConfigureAwait(false)).Value;
    }

    /// <summary>Every key of the tenant (or every key), page after page, without secrets.</summary>
    public async IAsyncEnumerable<ApiKeyModel> ListAllAsync(string? tenant = null, int? pageSize = null, [EnumeratorCancellation] CancellationToken ct = default)
    {
        string? continuation = null;
        do
        {
            var page = await ListPageAsync(tenant, pageSize, continuation, ct).ConfigureAwait(false);
            foreach (var key in page.Items) yield return key;
            continuation = page.Next;
        }
        while (continuation is not null);
    }

    /// <summary>
    /// Creates a key for <paramref name="tenant"/>, or an operator key when it is null (operator keys only), valid for
    /// <paramref name="lifetimeDays"/> (1 to 3650; default 90).
    /// </summary>
    /// <returns>The key, with the bearer token in <see cref="ApiKeyModel.Key"/>, shown this once.</returns>
    public async Task<ApiKeyModel> CreateAsync(string? tenant = null, int? lifetimeDays = null, string? description = null, CancellationToken ct = default)
    {
        var route = tenant is null ? CollectionRoute : TenantCollectionRoute(tenant);
        return (await _client.SendForValueAsync<ApiKeyModel>(HttpMethod.Post, route, new CreateBody(lifetimeDays, description), null, ct).ConfigureAwait(false)).Value;
    }

    /// <summary>Deletes the key (it stops working at once): through the tenant's route when <paramref name="tenant"/> is given.</summary>
    /// <returns>True when it was deleted; false when there was no such key (for that tenant).</returns>
    public async Task<bool> DeleteAsync(string keyId, string? tenant = null, CancellationToken ct = default)
    {
        var route = new RouteBuilder(tenant is null ? CollectionRoute : TenantCollectionRoute(tenant)).Segment(keyId).ToString();
        var response = await _client.SendAsync<object>(HttpMethod.Delete, route, null, null, [HttpStatusCode.NoContent, HttpStatusCode.NotFound], ct).ConfigureAwait(false);
        return response.Status == HttpStatusCode.NoContent;
    }

    /// <summary>The POST body; fields left null are left out, so the server's defaults apply.</summary>
    private sealed record CreateBody(
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? LifetimeDays,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Description);
}
