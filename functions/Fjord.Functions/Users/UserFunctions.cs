using Fjord.ControlPlane.ApiKeys;
using Fjord.ControlPlane.Tenants;
using Fjord.ControlPlane.Users;
using Fjord.Functions.Http;
using Fjord.Functions.OpenApi;
using Fjord.Security.Credentials;
using Fjord.Security.Tenancy;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Fjord.Functions.Users;

/// <summary>
/// <c>/api/v1/tenants/{tenant}/users</c>: a tenant's SCRAM users, in the tenant's names (<c>bob</c>; the client logs
/// in as <c>tenant.bob</c>). List (paged), get, create (PUT: the server makes the password and shows it once),
/// reset the password (POST <c>…/reset-password</c>: a new one, shown once) and delete (the brokers close the user's
/// sessions within about two seconds). Operator keys may do all of it on every tenant; a tenant key may do all of it
/// on its own tenant, because a tenant's admin can do the same over Kafka (AlterUserScramCredentials) anyway.
/// Secrets are never listed: only mechanisms and iterations.
/// </summary>
/// <remarks>
/// User names: ASCII letters, digits and <c>. _ - @</c>, not <c>*</c> (the tenant's <c>User:*</c>), and short
/// enough that <c>tenant.user</c> is at most 249 characters. PUT of an existing user with the same mechanisms and
/// iterations is 200 with the user as it is (no password: reset it if lost); with different ones 409. The tenant's
/// <c>admin</c> can have its password reset here (which also restores its ACLs) but cannot be deleted: 409.
/// </remarks>
public sealed class UserFunctions(ApiRequests api, UserAdministration users)
{
    public const string CollectionRoute = "v1/tenants/{tenant}/users";
    public const string ItemRoute = CollectionRoute + "/{user}";

    private const string PathPrefix = "/api/";

    [Function("ListUsers")]
    [ApiQuery("limit", typeof(int), "Page size, 1 to 1000 (default 100)")]
    [ApiQuery("continuation", typeof(string), "The next of the previous page")]
    [ApiResponse(200, typeof(UserPage), "A page of the tenant's SCRAM users")]
    public Task<IActionResult> ListUsers([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = CollectionRoute)] HttpRequest request, string tenant) =>
        api.RunAsync(request, async (caller, ct) =>
        {
            Authorize(caller, tenant);
            var all = await users.ListAsync(tenant, ct).ConfigureAwait(false);
            var (page, next) = Paging.Page(all, u => u.Name, request.Query["limit"], request.Query["continuation"]);
            return ApiResult.Ok(new UserPage([.. page.Select(u => UserResource.From(u))], next));
        });

    [Function("GetUser")]
    [ApiResponse(200, typeof(UserResource), "The user: SASL username, mechanisms and iterations, never secrets")]
    public Task<IActionResult> GetUser([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ItemRoute)] HttpRequest request, string tenant, string user) =>
        api.RunAsync(request, async (caller, ct) =>
        {
            Authorize(caller, tenant);
            var found = await users.GetAsync(tenant, user, ct).ConfigureAwait(false) ?? throw NotFound(tenant, user);
            return ApiResult.Ok(UserResource.From(found), UserResource.ETagOf(found));
        });

    /// <summary>Creates the user: 201 with its password, shown this once. The same request again is 200 without it.</summary>
    [Function("PutUser")]
    [ApiRequestBody(typeof(CreateUserBody))]
    [ApiResponse(201, typeof(UserResource), "Created; the password is in the body, shown this once")]
    [ApiResponse(200, typeof(UserResource), "The same user existed already")]
    public Task<IActionResult> PutUser([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = ItemRoute)] HttpRequest request, string tenant, string user) =>
        api.RunAsync(request, async (caller, ct) =>
        {
            Authorize(caller, tenant);
            if (UserNames.Problem(tenant, user) is { } problem) throw ApiProblemException.BadRequest(problem);
            var body = HasBody(request) ? await ApiRequests.ReadBodyAsync<CreateUserBody>(request, ct).ConfigureAwait(false) : new CreateUserBody();
            var mechanisms = Mechanisms(body.Mechanisms);
            var iterations = body.Iterations ?? UserAdministration.DefaultIterations;
            if (UserAdministration.CredentialsProblem(mechanisms, iterations) is { } credentialsProblem)
                throw ApiProblemException.BadRequest(credentialsProblem);
            try
            {
                var created = await users.CreateAsync(tenant, user, mechanisms, iterations, ct).ConfigureAwait(false);
                return ApiResult.Created(UserResource.From(created.User, created.Password), UserResource.ETagOf(created.User), Location(tenant, user));
            }
            catch (TenantAdministrationException e) when (e.Kind == TenantErrorKind.AlreadyExists)
            {
                var current = await users.GetAsync(tenant, user, ct).ConfigureAwait(false)
                    ?? throw new TenantAdministrationException(TenantErrorKind.Conflict, $"User {user} was deleted meanwhile; try again");
                var asked = mechanisms.Order().Select(m => new UserCredentialInfo(m, iterations));
                var has = current.Credentials.OrderBy(c => c.Mechanism);
                if (!asked.SequenceEqual(has))
                {
                    throw new TenantAdministrationException(TenantErrorKind.AlreadyExists,
                        $"Tenant {tenant} already has a user {user} with other mechanisms or iterations; delete it first to make it anew");
                }
                return ApiResult.Ok(UserResource.From(current), UserResource.ETagOf(current));
            }
        });

    /// <summary>Gives the user a new password (same mechanisms and rounds), shown this once. Live sessions stay up.</summary>
    [Function("ResetUserPassword")]
    [ApiResponse(200, typeof(UserResource), "A new password, shown this once")]
    public Task<IActionResult> ResetUserPassword([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = ItemRoute + "/reset-password")] HttpRequest request, string tenant, string user) =>
        api.RunAsync(request, async (caller, ct) =>
        {
            Authorize(caller, tenant);
            var reset = await users.ResetPasswordAsync(tenant, user, ct).ConfigureAwait(false);
            return ApiResult.Ok(UserResource.From(reset.User, reset.Password), UserResource.ETagOf(reset.User));
        });

    /// <summary>204 once the credentials are gone; 404 when there was no such user (a retried DELETE treats it as done).</summary>
    [Function("DeleteUser")]
    [ApiResponse(204, null, "Deleted: the user's sessions close within seconds")]
    public Task<IActionResult> DeleteUser([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = ItemRoute)] HttpRequest request, string tenant, string user) =>
        api.RunAsync(request, async (caller, ct) =>
        {
            Authorize(caller, tenant);
            await users.DeleteAsync(tenant, user, ct).ConfigureAwait(false);
            return ApiResult.NoContent();
        });

    private static void Authorize(ApiKeyPrincipal caller, string tenant)
    {
        if (TenantNamespace.IdProblem(tenant) is { } problem) throw ApiProblemException.BadRequest(problem);
        ApiRequests.RequireAccess(caller, tenant);
    }

    /// <summary>The body is optional: none at all (no length, no type) means the defaults.</summary>
    private static bool HasBody(HttpRequest request) =>
        request.ContentLength is > 0 || (request.ContentLength is null && request.ContentType is not null);

    private static List<ScramMechanism> Mechanisms(IReadOnlyList<string>? names)
    {
        if (names is null) return [.. UserAdministration.DefaultMechanisms];
        var mechanisms = new List<ScramMechanism>(names.Count);
        foreach (var name in names)
        {
            if (!ScramMechanisms.TryParse(name?.Trim().ToUpperInvariant(), out var mechanism))
            {
                throw ApiProblemException.BadRequest(
                    $"Mechanism '{name}' is not one of {ScramMechanisms.ScramSha256Name}, {ScramMechanisms.ScramSha512Name}");
            }
            mechanisms.Add(mechanism);
        }
        return mechanisms;
    }

    private static string Location(string tenant, string user) => $"{PathPrefix}v1/tenants/{tenant}/users/{Uri.EscapeDataString(user)}";

    private static ApiProblemException NotFound(string tenant, string user) => ApiProblemException.NotFound($"Tenant {tenant} has no user {user}");
}
