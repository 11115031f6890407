using System.Buffers.Text;
using System.Security.Cryptography;
using Fjord.ControlPlane.Tenants;
using Fjord.Security.Credentials;
using Fjord.Security.Tenancy;

namespace Fjord.ControlPlane.Users;

/// <summary>
/// A tenant's SCRAM users, named as the tenant names them (<c>bob</c>) and stored as the brokers read them
/// (<c>acme.bob</c>). The server makes every password (192 random bits), so none is ever weak or reused, and hands
/// it out once. Deleting a user removes its credentials; each broker then closes the user's live sessions when its
/// credential cache sees the rows go.
/// </summary>
/// <remarks>
/// The tenant's admin (<see cref="TenantAdministration.AdminName"/>) is listed like any user, and its password can
/// be reset here, but it cannot be deleted: it is how the tenant administers itself over Kafka, and a tenant
/// without it could only be repaired by the operator. Deleting the tenant removes it.
/// </remarks>
public sealed class UserAdministration
{
    public const int DefaultIterations = TenantAdministration.AdminIterations;

    private const int PasswordBytes = 24;

    /// <summary>Both, strongest first: a client that offers either can log in.</summary>
    public static readonly IReadOnlyList<ScramMechanism> DefaultMechanisms = [ScramMechanism.ScramSha512, ScramMechanism.ScramSha256];

    private readonly ITenantStore _tenants;
    private readonly IScramCredentialStore _credentials;
    private readonly TenantAdministration _tenantAdministration;

    public UserAdministration(ITenantStore tenants, IScramCredentialStore credentials, TenantAdministration tenantAdministration)
    {
        ArgumentNullException.ThrowIfNull(tenants);
        ArgumentNullException.ThrowIfNull(credentials);
        ArgumentNullException.ThrowIfNull(tenantAdministration);
        _tenants = tenants;
        _credentials = credentials;
        _tenantAdministration = tenantAdministration;
    }

    /// <summary>The tenant's users in name order (ordinal).</summary>
    public async Task<IReadOnlyList<TenantUser>> ListAsync(string tenantId, CancellationToken ct)
    {
        var scope = new TenantScope(await GetTenantAsync(tenantId, ct).ConfigureAwait(false));
        var (credentials, _) = await _credentials.LoadAsync(ct).ConfigureAwait(false);
        return [.. credentials
            .Where(c => scope.Owns(c.User))
            .GroupBy(c => c.User, StringComparer.Ordinal)
            .Select(g => ToUser(scope, g.Key, g))
            .OrderBy(u => u.Name, StringComparer.Ordinal)];
    }

    /// <returns>The user, or null when the tenant has no user of this name.</returns>
    public async Task<TenantUser?> GetAsync(string tenantId, string user, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(user);
        var scope = new TenantScope(await GetTenantAsync(tenantId, ct).ConfigureAwait(false));
        return await FindAsync(scope, user, ct).ConfigureAwait(false);
    }

    /// <summary>Creates the user with a new password for each of <paramref name="mechanisms"/>.</summary>
    /// <exception cref="TenantAdministrationException">
    /// An illegal name, mechanism list or iteration count (Invalid); no such tenant (NotFound); the tenant is being
    /// deleted (Conflict); the user exists already, with any mechanism (AlreadyExists).
    /// </exception>
    public async Task<CreatedUser> CreateAsync(string tenantId, string user, IReadOnlyList<ScramMechanism> mechanisms, int iterations, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(mechanisms);
        if (UserNames.Problem(tenantId, user) is { } problem) throw Invalid(problem);
        ValidateCredentials(mechanisms, iterations);
        var scope = new TenantScope(await GetWritableTenantAsync(tenantId, ct).ConfigureAwait(false));
        if (await FindAsync(scope, user, ct).ConfigureAwait(false) is not null) throw Exists(tenantId, user);

        var stored = scope.ToStored(user);
        var password = NewPassword();
        // The insert-if-absent of the first credential decides a race between two creates: the loser must not
        // overwrite the winner's password, which the winner's caller has already been shown.
        if (!await _credentials.CreateIfAbsentAsync(stored, mechanisms[0], ScramCredentials.Create(mechanisms[0], password, iterations), ct).ConfigureAwait(false))
            throw Exists(tenantId, user);
        foreach (var mechanism in mechanisms.Skip(1))
            await _credentials.UpsertAsync(stored, mechanism, ScramCredentials.Create(mechanism, password, iterations), ct).ConfigureAwait(false);
        var created = new TenantUser(user, stored, [.. mechanisms.Select(m => new UserCredentialInfo(m, iterations))]);
        return new CreatedUser(created, password);
    }

    /// <summary>
    /// Replaces every credential of the user with one for a new password (same mechanisms and rounds). Sessions
    /// already logged in stay up: SCRAM proves the password at login only. For the tenant's admin this also
    /// restores its ACLs (<see cref="TenantAdministration.ResetAdminPasswordAsync"/>).
    /// </summary>
    public async Task<CreatedUser> ResetPasswordAsync(string tenantId, string user, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(user);
        var scope = new TenantScope(await GetWritableTenantAsync(tenantId, ct).ConfigureAwait(false));
        var existing = await FindAsync(scope, user, ct).ConfigureAwait(false);
        if (user == TenantAdministration.AdminName)
        {
            var admin = await _tenantAdministration.ResetAdminPasswordAsync(tenantId, ct).ConfigureAwait(false);
            return new CreatedUser(await FindAsync(scope, user, ct).ConfigureAwait(false) ?? existing ?? throw NotFound(tenantId, user), admin.Password);
        }
        if (existing is null) throw NotFound(tenantId, user);
        var password = NewPassword();
        foreach (var credential in existing.Credentials)
        {
            await _credentials.UpsertAsync(existing.Username, credential.Mechanism,
                ScramCredentials.Create(credential.Mechanism, password, credential.Iterations), ct).ConfigureAwait(false);
        }
        return new CreatedUser(existing, password);
    }

    /// <summary>Deletes every credential of the user; the brokers then close its sessions.</summary>
    /// <exception cref="TenantAdministrationException">The user is the tenant's admin (Conflict); no such tenant or user (NotFound).</exception>
    public async Task DeleteAsync(string tenantId, string user, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(user);
        var scope = new TenantScope(await GetTenantAsync(tenantId, ct).ConfigureAwait(false));
        if (user == TenantAdministration.AdminName)
        {
            throw new TenantAdministrationException(TenantErrorKind.Conflict,
                $"User {user} is tenant {tenantId}'s admin and cannot be deleted; reset its password instead, or delete the tenant");
        }
        var existing = await FindAsync(scope, user, ct).ConfigureAwait(false) ?? throw NotFound(tenantId, user);
        var deleted = false;
        foreach (var credential in existing.Credentials)
            deleted |= await _credentials.DeleteAsync(existing.Username, credential.Mechanism, ct).ConfigureAwait(false);
        // Another delete got there first: to this caller the user is just as gone.
        if (!deleted) throw NotFound(tenantId, user);
    }

    /// <summary>Why these mechanisms and rounds cannot make credentials; null when they can.</summary>
    public static string? CredentialsProblem(IReadOnlyList<ScramMechanism> mechanisms, int iterations)
    {
        ArgumentNullException.ThrowIfNull(mechanisms);
        if (mechanisms.Count == 0) return $"Name at least one mechanism: {ScramMechanisms.ScramSha256Name} or {ScramMechanisms.ScramSha512Name}";
        if (mechanisms.Any(m => !ScramMechanisms.IsDefined(m))) return $"The mechanisms are {ScramMechanisms.ScramSha256Name} and {ScramMechanisms.ScramSha512Name}";
        if (mechanisms.Distinct().Count() != mechanisms.Count) return "A mechanism is named more than once";
        if (iterations is < ScramMechanisms.MinIterations or > ScramMechanisms.MaxIterations)
            return $"iterations must be from {ScramMechanisms.MinIterations} to {ScramMechanisms.MaxIterations} (Kafka's bounds), not {iterations}";
        return null;
    }

    private async Task<TenantUser?> FindAsync(TenantScope scope, string user, CancellationToken ct)
    {
        if (user.Length == 0) return null;
        var stored = scope.ToStored(user);
        var (credentials, _) = await _credentials.LoadAsync(ct).ConfigureAwait(false);
        var own = credentials.Where(c => c.User == stored).ToList();
        return own.Count == 0 ? null : ToUser(scope, stored, own);
    }

    private static TenantUser ToUser(TenantScope scope, string stored, IEnumerable<UserScramCredential> credentials) =>
        new(scope.ToClient(stored), stored, [.. credentials
            .OrderByDescending(c => c.Mechanism)
            .Select(c => new UserCredentialInfo(c.Mechanism, c.Credential.Iterations))]);

    private static void ValidateCredentials(IReadOnlyList<ScramMechanism> mechanisms, int iterations)
    {
        if (CredentialsProblem(mechanisms, iterations) is { } problem) throw Invalid(problem);
    }

    private async Task<Tenant> GetTenantAsync(string tenantId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        if (TenantNamespace.IdProblem(tenantId) is { } problem) throw Invalid(problem);
        return await _tenants.GetAsync(tenantId, ct).ConfigureAwait(false)
            ?? throw new TenantAdministrationException(TenantErrorKind.NotFound, $"Tenant {tenantId} does not exist");
    }

    private async Task<Tenant> GetWritableTenantAsync(string tenantId, CancellationToken ct)
    {
        var tenant = await GetTenantAsync(tenantId, ct).ConfigureAwait(false);
        return tenant.State == TenantState.Deleting
            ? throw new TenantAdministrationException(TenantErrorKind.Conflict, $"Tenant {tenantId} is being deleted")
            : tenant;
    }

    /// <summary>Base64url of 24 random bytes: 192 bits, 32 characters that need no quoting in a properties file or a shell.</summary>
    private static string NewPassword() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(PasswordBytes));

    private static TenantAdministrationException Invalid(string message) => new(TenantErrorKind.Invalid, message);

    private static TenantAdministrationException Exists(string tenantId, string user) =>
        new(TenantErrorKind.AlreadyExists, $"Tenant {tenantId} already has a user {user}");

    private static TenantAdministrationException NotFound(string tenantId, string user) =>
        new(TenantErrorKind.NotFound, $"Tenant {tenantId} has no user {user}");
}
