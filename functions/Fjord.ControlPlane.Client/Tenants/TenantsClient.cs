using System.Net;
using System.Runtime.CompilerServices;

namespace Fjord.ControlPlane.Client.Tenants;

/// <summary>
/// <c>/api/v1/tenants</c>: list (paged), get, create (idempotent), suspend, resume, set limits, delete and wait until
/// the brokers have removed what the tenant owned. Writes take an optional <c>ifMatch</c> (a <see cref="TenantModel.ETag"/>);
/// a stale one is refused with 412.
/// </summary>
public sealed class TenantsClient
{
    public const string CollectionRoute = "v1/tenants";

    private readonly ControlPlaneClient _client;

    public TenantsClient(ControlPlaneClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        _client = client;
    }

    /// <summary>One page; pass the previous page's <see cref="TenantPageModel.Next"/> as <paramref name="continuation"/>.</summary>
    public async Task<TenantPageModel> ListPageAsync(int? limit = null, string? continuation = null, CancellationToken ct = default)
    {
        var route = new RouteBuilder(CollectionRoute).Query("limit", limit).Query("continuation", continuation).ToString();
        return (await _client.SendForValueAsync<TenantPageModel>(HttpMethod.Get, route, null, null, ct).ConfigureAwait(false)).Value;
    }

    /// <summary>Every tenant the key may see (a tenant key: its own), page after page.</summary>
    public async IAsyncEnumerable<TenantModel> ListAllAsync(int? pageSize = null, [EnumeratorCancellation] CancellationToken ct = default)
    {
        string? continuation = null;
        do
        {
            var page = await ListPageAsync(pageSize, continuation, ct).ConfigureAwait(false);
            foreach (var tenant in page.Items) yield return tenant;
            continuation = page.Next;
        }
        while (continuation is not null);
    }

    /// <returns>The tenant with its ETag, or null when there is no such tenant.</returns>
    public async Task<TenantModel?> GetAsync(string id, CancellationToken ct = default)
    {
        var response = await _client.SendAsync<TenantModel>(HttpMethod.Get, ItemRoute(id), null, null, [HttpStatusCode.OK, HttpStatusCode.NotFound], ct).ConfigureAwait(false);
        return response.Value is { } tenant ? tenant with { ETag = response.ETag } : null;
    }

    /// <summary>
    /// Creates the tenant and its admin user. Creating it again with the same settings is not an error (see
    /// <see cref="CreatedTenantModel.Created"/>); with different ones it is a 409.
    /// </summary>
    public async Task<CreatedTenantModel> CreateAsync(string id, string? displayName = null, TenantLimitsModel? limits = null, CancellationToken ct = default)
    {
        var body = new CreateBody(displayName, limits);
        var response = await _client.SendForValueAsync<TenantModel>(HttpMethod.Put, ItemRoute(id), body, null, ct).ConfigureAwait(false);
        return new CreatedTenantModel(response.Value with { ETag = response.ETag }, response.Status == HttpStatusCode.Created);
    }

    public Task<TenantModel> SuspendAsync(string id, string? ifMatch = null, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Post, ItemRoute(id) + "/suspend", null, ifMatch, ct);

    public Task<TenantModel> ResumeAsync(string id, string? ifMatch = null, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Post, ItemRoute(id) + "/resume", null, ifMatch, ct);

    /// <summary>Replaces all four limits (a null one: no limit).</summary>
    public Task<TenantModel> SetLimitsAsync(string id, TenantLimitsModel limits, string? ifMatch = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(limits);
        return SendAsync(HttpMethod.Put, ItemRoute(id) + "/limits", limits, ifMatch, ct);
    }

    /// <summary>The tenant's cap and the quotas it set on its own users and client ids.</summary>
    public async Task<TenantQuotasModel> GetQuotasAsync(string id, CancellationToken ct = default) =>
        (await _client.SendForValueAsync<TenantQuotasModel>(HttpMethod.Get, ItemRoute(id) + "/quotas", null, null, ct).ConfigureAwait(false)).Value;

    /// <summary>Replaces the tenant's cap (operator keys only); a null field removes that quota.</summary>
    public async Task<TenantQuotasModel> SetQuotasAsync(string id, TenantQuotaCapModel cap, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(cap);
        return (await _client.SendForValueAsync<TenantQuotasModel>(HttpMethod.Put, ItemRoute(id) + "/quotas", cap, null, ct).ConfigureAwait(false)).Value;
    }

    /// <summary>
    /// Marks the tenant for deletion (it is refused at once; the brokers' controller then removes its topics, groups,
    /// ACLs and users, and finally the tenant).
    /// </summary>
    /// <returns>The tenant, now deleting; null when it was gone already (a retried delete).</returns>
    public async Task<TenantModel?> DeleteAsync(string id, string? ifMatch = null, CancellationToken ct = default)
    {
        var response = await _client.SendAsync<TenantModel>(HttpMethod.Delete, ItemRoute(id), null, ifMatch, [HttpStatusCode.Accepted, HttpStatusCode.OK, HttpStatusCode.NotFound], ct).ConfigureAwait(false);
        return response.Value is { } tenant ? tenant with { ETag = response.ETag } : null;
    }

    /// <summary>
    /// Polls until the tenant is gone or <paramref name="timeout"/> passes, telling <paramref name="progress"/> each
    /// time it is seen still deleting (once per poll, every <paramref name="pollInterval"/>, default a second).
    /// </summary>
    /// <returns>True when it is gone; false when it was still there at the deadline.</returns>
    public async Task<bool> WaitUntilGoneAsync(string id, TimeSpan timeout, IProgress<TenantModel>? progress = null, TimeSpan? pollInterval = null,
        TimeProvider? time = null, CancellationToken ct = default)
    {
        time ??= TimeProvider.System;
        var interval = pollInterval ?? TimeSpan.FromSeconds(1);
        var deadline = time.GetUtcNow() + timeout;
        while (true)
        {
            if (await GetAsync(id, ct).ConfigureAwait(false) is not { } tenant) return true;
            progress?.Report(tenant);
            var left = deadline - time.GetUtcNow();
            if (left <= TimeSpan.Zero) return false;
            await Task.Delay(left < interval ? left : interval, time, ct).ConfigureAwait(false);
        }
    }

    private async Task<TenantModel> SendAsync(HttpMethod method, string route, object? body, string? ifMatch, CancellationToken ct)
    {
        var response = await _client.SendForValueAsync<TenantModel>(method, route, body, ifMatch, ct).ConfigureAwait(false);
        return response.Value with { ETag = response.ETag };
    }

    private static string ItemRoute(string id)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        return CollectionRoute + "/" + Uri.EscapeDataString(id);
    }

    /// <summary>The PUT body; the server refuses unknown fields, so this names exactly its two.</summary>
    private sealed record CreateBody(string? DisplayName, TenantLimitsModel? Limits);
}
