namespace Fjord.ControlPlane.Client.Acls;

/// <summary>
/// <c>/api/v1/tenants/{tenant}/acls</c>: a tenant's ACLs in its own names. List with a filter, create bindings
/// (idempotent: each answered with whether it was created), delete what a filter matches (answered with what was
/// deleted). The brokers apply changes within seconds.
/// </summary>
public sealed class AclsClient
{
    private readonly ControlPlaneClient _client;

    public AclsClient(ControlPlaneClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        _client = client;
    }

    public static string CollectionRoute(string tenant) => new RouteBuilder("v1/tenants").Segment(tenant).ToString() + "/acls";

    /// <summary>The tenant's bindings that <paramref name="filter"/> matches (null: all of them).</summary>
    public async Task<IReadOnlyList<AclBindingModel>> ListAsync(string tenant, AclFilterModel? filter = null, CancellationToken ct = default)
    {
        var route = WithFilter(CollectionRoute(tenant), filter ?? AclFilterModel.Any);
        return (await _client.SendForValueAsync<AclListModel>(HttpMethod.Get, route, null, null, ct).ConfigureAwait(false)).Value.Items;
    }

    /// <summary>Creates the bindings, all or none (a refused one refuses the request).</summary>
    /// <returns>Each binding, with <see cref="AclBindingModel.Created"/> false for those that existed already.</returns>
    public async Task<IReadOnlyList<AclBindingModel>> CreateAsync(string tenant, IEnumerable<AclBindingModel> bindings, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(bindings);
        var body = new CreateBody([.. bindings.Select(b => b with { Created = null })]);
        return (await _client.SendForValueAsync<AclListModel>(HttpMethod.Post, CollectionRoute(tenant), body, null, ct).ConfigureAwait(false)).Value.Items;
    }

    /// <summary>
    /// Deletes every binding <paramref name="filter"/> matches. The server refuses an empty filter; to delete every
    /// ACL of the tenant, say so with <c>ResourceType = "Any"</c>. The admin's own ACLs are never deleted here.
    /// </summary>
    /// <returns>The bindings deleted.</returns>
    public async Task<IReadOnlyList<AclBindingModel>> DeleteAsync(string tenant, AclFilterModel filter, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var route = WithFilter(CollectionRoute(tenant), filter);
        return (await _client.SendForValueAsync<AclListModel>(HttpMethod.Delete, route, null, null, ct).ConfigureAwait(false)).Value.Items;
    }

    private static string WithFilter(string route, AclFilterModel filter) => new RouteBuilder(route)
        .Query("resourceType", filter.ResourceType)
        .Query("resourceName", filter.ResourceName)
        .Query("patternType", filter.PatternType)
        .Query("principal", filter.Principal)
        .Query("host", filter.Host)
        .Query("operation", filter.Operation)
        .Query("permission", filter.Permission)
        .ToString();

    private sealed record CreateBody(IReadOnlyList<AclBindingModel> Bindings);
}
