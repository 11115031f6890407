using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json.Serialization;

namespace Fjord.ControlPlane.Client.Users;

/// <summary>
/// <c>/api/v1/tenants/{tenant}/users</c>: a tenant's SCRAM users. List (paged), get, create (the server makes the
/// password and shows it once), reset the password (a new one, shown once), delete (the brokers close the user's
/// sessions within seconds).
/// </summary>
public sealed class UsersClient
{
    private readonly ControlPlaneClient _client;

    public UsersClient(ControlPlaneClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        _client = client;
    }

    public static string CollectionRoute(string tenant) => new RouteBuilder("v1/tenants").Segment(tenant).ToString() + "/users";

    public static string ItemRoute(string tenant, string user) => new RouteBuilder(CollectionRoute(tenant)).Segment(user).ToString();

    /// <summary>One page; pass the previous page's <see cref="UserPageModel.Next"/> as <paramref name="continuation"/>.</summary>
    public async Task<UserPageModel> ListPageAsync(string tenant, int? limit = null, string? continuation = null, CancellationToken ct = default)
    {
        var route = new RouteBuilder(CollectionRoute(tenant)).Query("limit", limit).Query("continuation", continuation).ToString();
        return (await _client.SendForValueAsync<UserPageModel>(HttpMethod.Get, route, null, null, ct).ConfigureAwait(false)).Value;
    }

    /// <summary>Every user of the tenant (its admin included), page after page.</summary>
    public async IAsyncEnumerable<UserModel> ListAllAsync(string tenant, int? pageSize = null, [EnumeratorCancellation] CancellationToken ct = default)
    {
        string? continuation = null;
        do
        {
            var page = await ListPageAsync(tenant, pageSize, continuation, ct).ConfigureAwait(false);
            foreach (var user in page.Items) yield return user;
            continuation = page.Next;
        }
        while (continuation is not null);
    }

    /// <returns>The user with its ETag, or null when the tenant has no such user.</returns>
    public async Task<UserModel?> GetAsync(string tenant, string user, CancellationToken ct = default)
    {
        var response = await _client.SendAsync<UserModel>(HttpMethod.Get, ItemRoute(tenant, user), null, null, [HttpStatusCode.OK, HttpStatusCode.NotFound], ct).ConfigureAwait(false);
        return response.Value is { } found ? found with { ETag = response.ETag } : null;
    }

    /// <summary>
    /// Creates the user with a password the server makes. <paramref name="mechanisms"/> (SASL names, default both
    /// SCRAM-SHA-256 and SCRAM-SHA-512) and <paramref name="iterations"/> (default 8192) are the server's defaults when null.
    /// </summary>
    public async Task<CreatedUserModel> CreateAsync(string tenant, string user, IReadOnlyList<string>? mechanisms = null, int? iterations = null, CancellationToken ct = default)
    {
        var response = await _client.SendForValueAsync<UserModel>(HttpMethod.Put, ItemRoute(tenant, user), new CreateBody(mechanisms, iterations), null, ct).ConfigureAwait(false);
        return new CreatedUserModel(response.Value with { ETag = response.ETag }, response.Status == HttpStatusCode.Created);
    }

    /// <summary>Gives the user a new password (in <see cref="UserModel.Password"/>, shown this once); live sessions stay up.</summary>
    public async Task<UserModel> ResetPasswordAsync(string tenant, string user, CancellationToken ct = default)
    {
        var response = await _client.SendForValueAsync<UserModel>(HttpMethod.Post, ItemRoute(tenant, user) + "/reset-password", null, null, ct).ConfigureAwait(false);
        return response.Value with { ETag = response.ETag };
    }

    /// <summary>Deletes the user's credentials; the brokers close its sessions within seconds.</summary>
    /// <returns>True when it was deleted; false when there was no such user (a retried delete).</returns>
    public async Task<bool> DeleteAsync(string tenant, string user, CancellationToken ct = default)
    {
        var response = await _client.SendAsync<object>(HttpMethod.Delete, ItemRoute(tenant, user), null, null, [HttpStatusCode.NoContent, HttpStatusCode.NotFound], ct).ConfigureAwait(false);
        return response.Status == HttpStatusCode.NoContent;
    }

    /// <summary>The PUT body: both fields optional, and left out rather than sent as null.</summary>
    private sealed record CreateBody(
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? Mechanisms,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Iterations);
}
