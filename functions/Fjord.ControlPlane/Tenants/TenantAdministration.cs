using System.Buffers.Text;
using System.Security.Cryptography;
using Fjord.Security.Authorization;
using Fjord.Security.Credentials;
using Fjord.Security.Tenancy;

namespace Fjord.ControlPlane.Tenants;

/// <summary>
/// Creates, suspends, resumes, re-limits and deletes tenants. A tenant is its row in the tenant store plus an admin
/// user (<c>id.admin</c>, SCRAM-SHA-512 and -256) with ALLOW ALL on everything in the tenant's namespace.
/// Deleting only marks the tenant <see cref="TenantState.Deleting"/>: the active controller's reaper removes its
/// topics, groups, transactional ids, ACLs and users, and the row last.
/// </summary>
/// <remarks>
/// A create writes the row first (active), then the admin's ACLs, then its credentials, so that whatever a crash
/// leaves behind is inside a tenant that exists: deleting it reaps everything, and creating it again finishes it.
/// Until the credentials are written nobody can log in as any of the tenant's users, so an active row without them
/// grants nothing. A tenant counts as finished once its admin has both credentials.
/// </remarks>
public sealed class TenantAdministration
{
    /// <summary>The admin's user name within the tenant; stored as <c>id.admin</c>.</summary>
    public const string AdminName = "admin";

    /// <summary>PBKDF2 rounds of the admin's credentials: twice Kafka's minimum, well inside its maximum.</summary>
    public const int AdminIterations = 8192;

    public const int MaxDisplayNameLength = 200;

    private const int PasswordBytes = 24;
    private static readonly TimeSpan DeletionPollInterval = TimeSpan.FromMilliseconds(500);
    private static readonly ScramMechanism[] AdminMechanisms = [ScramMechanism.ScramSha512, ScramMechanism.ScramSha256];

    private readonly ITenantStore _tenants;
    private readonly IScramCredentialStore _credentials;
    private readonly IAclStore _acls;
    private readonly TimeProvider _time;

    public TenantAdministration(ITenantStore tenants, IScramCredentialStore credentials, IAclStore acls, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(tenants);
        ArgumentNullException.ThrowIfNull(credentials);
        ArgumentNullException.ThrowIfNull(acls);
        ArgumentNullException.ThrowIfNull(time);
        _tenants = tenants;
        _credentials = credentials;
        _acls = acls;
        _time = time;
    }

    /// <summary>The SASL username of the tenant's admin.</summary>
    public static string AdminUser(string id) => id + TenantNamespace.Separator + AdminName;

    /// <summary>What the tenant's admin may do: everything on the tenant's topics, groups, transactional ids and its own cluster resource.</summary>
    public static IReadOnlyList<AclBinding> AdminAcls(string id)
    {
        var prefix = id + TenantNamespace.Separator;
        var admin = new AccessControlEntry("User:" + AdminUser(id), AccessControlEntry.WildcardHost, AclOperation.All, AclPermissionType.Allow);
        return
        [
            new AclBinding(new ResourcePattern(ResourceType.Topic, prefix, PatternType.Prefixed), admin),
            new AclBinding(new ResourcePattern(ResourceType.Group, prefix, PatternType.Prefixed), admin),
            new AclBinding(new ResourcePattern(ResourceType.TransactionalId, prefix, PatternType.Prefixed), admin),
            new AclBinding(new ResourcePattern(ResourceType.Cluster, prefix + ResourcePattern.ClusterResourceName, PatternType.Literal), admin),
        ];
    }

    /// <summary>
    /// Creates the tenant with its admin and returns the admin's password. Creating a tenant whose earlier create
    /// was cut short (its admin lacks a credential) finishes that create, with a new password.
    /// </summary>
    /// <exception cref="TenantAdministrationException">An illegal id, display name or limit; or the tenant exists (finished) or is being deleted.</exception>
    public async Task<CreatedTenant> CreateTenantAsync(string id, string? displayName, TenantLimits? limits, CancellationToken ct)
    {
        ValidateId(id);
        displayName = string.IsNullOrWhiteSpace(displayName) ? id : displayName.Trim();
        if (displayName.Length > MaxDisplayNameLength)
            throw Invalid($"The display name of tenant {id} is {displayName.Length} characters long; at most {MaxDisplayNameLength} are allowed");
        if (displayName.Any(char.IsControl))
            throw Invalid($"The display name of tenant {id} contains a control character");
        limits ??= TenantLimits.None;
        ValidateLimits(id, limits);

        var tenant = new Tenant(id, displayName, TenantState.Active, TenantClusterIds.New(), limits, _time.GetUtcNow());
        if (!await _tenants.CreateAsync(tenant, ct).ConfigureAwait(false))
        {
            var existing = await _tenants.GetAsync(id, ct).ConfigureAwait(false)
                ?? throw new TenantAdministrationException(TenantErrorKind.Conflict, $"Tenant {id} was deleted while it was being created; try again");
            if (existing.State == TenantState.Deleting)
                throw new TenantAdministrationException(TenantErrorKind.Conflict, $"Tenant {id} is being deleted; wait until it is gone, then create it again");
            if (await HasAdminCredentialsAsync(id, ct).ConfigureAwait(false))
                throw new TenantAdministrationException(TenantErrorKind.AlreadyExists, $"Tenant {id} already exists");
            // An earlier create stopped before the admin could log in: nobody holds its password, so finish it.
            tenant = existing;
        }

        var admin = await ProvisionAdminAsync(id, ct).ConfigureAwait(false);
        return new CreatedTenant(tenant, admin);
    }

    /// <summary>
    /// Gives the tenant's admin a new password (replacing both credentials) and restores its ACLs: for a lost
    /// password, or for a create whose answer never arrived.
    /// </summary>
    public async Task<TenantAdminCredentials> ResetAdminPasswordAsync(string id, CancellationToken ct)
    {
        var tenant = await GetRequiredAsync(id, ct).ConfigureAwait(false);
        if (tenant.State == TenantState.Deleting)
            throw new TenantAdministrationException(TenantErrorKind.Conflict, $"Tenant {id} is being deleted");
        return await ProvisionAdminAsync(id, ct).ConfigureAwait(false);
    }

    public Task<Tenant> SuspendAsync(string id, CancellationToken ct) => MoveAsync(id, TenantState.Suspended, null, ct);

    /// <param name="ifMatch">An If-Match value (see <see cref="TenantETag.Matches"/>), or null for an unconditional change.</param>
    public Task<Tenant> SuspendAsync(string id, string? ifMatch, CancellationToken ct) => MoveAsync(id, TenantState.Suspended, ifMatch, ct);

    public Task<Tenant> ResumeAsync(string id, CancellationToken ct) => MoveAsync(id, TenantState.Active, null, ct);

    /// <param name="ifMatch">An If-Match value (see <see cref="TenantETag.Matches"/>), or null for an unconditional change.</param>
    public Task<Tenant> ResumeAsync(string id, string? ifMatch, CancellationToken ct) => MoveAsync(id, TenantState.Active, ifMatch, ct);

    public Task<IReadOnlyList<Tenant>> ListAsync(CancellationToken ct) => _tenants.ListAsync(ct);

    /// <returns>The tenant, or null when there is none with this id (an illegal id included).</returns>
    public Task<Tenant?> GetAsync(string id, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(id);
        return TenantNamespace.IdProblem(id) is null ? _tenants.GetAsync(id, ct) : Task.FromResult<Tenant?>(null);
    }

    public Task<Tenant> SetLimitsAsync(string id, TenantLimits limits, CancellationToken ct) => SetLimitsAsync(id, limits, null, ct);

    /// <param name="ifMatch">An If-Match value (see <see cref="TenantETag.Matches"/>), or null for an unconditional change.</param>
    public async Task<Tenant> SetLimitsAsync(string id, TenantLimits limits, string? ifMatch, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(limits);
        ValidateId(id);
        ValidateLimits(id, limits);
        TenantAdministrationException? refusal = null;
        var updated = await _tenants.UpdateAsync(id, t =>
        {
            refusal = t.State == TenantState.Deleting
                ? new TenantAdministrationException(TenantErrorKind.Conflict, $"Tenant {id} is being deleted")
                : PreconditionProblem(id, ifMatch, t);
            return refusal is null ? t with { Limits = limits } : null;
        }, ct).ConfigureAwait(false);
        return updated ?? throw (refusal ?? NotFound(id));
    }

    /// <summary>
    /// Marks the tenant for deletion: its clients are disconnected and refused at once, and the active controller
    /// removes everything it owns, then its row. Deleting a tenant already being deleted changes nothing.
    /// </summary>
    public Task<Tenant> DeleteAsync(string id, CancellationToken ct) => DeleteAsync(id, null, ct);

    /// <param name="ifMatch">An If-Match value (see <see cref="TenantETag.Matches"/>), or null for an unconditional change.</param>
    public async Task<Tenant> DeleteAsync(string id, string? ifMatch, CancellationToken ct)
    {
        ValidateId(id);
        TenantAdministrationException? refusal = null;
        var updated = await _tenants.UpdateAsync(id, t =>
        {
            refusal = PreconditionProblem(id, ifMatch, t);
            return refusal is null ? t with { State = TenantState.Deleting } : null;
        }, ct).ConfigureAwait(false);
        return updated ?? throw (refusal ?? NotFound(id));
    }

    /// <summary>Waits for the controller to finish a deletion.</summary>
    /// <returns>True once the tenant is gone; false when it still exists after <paramref name="timeout"/>.</returns>
    public async Task<bool> WaitForDeletionAsync(string id, TimeSpan timeout, CancellationToken ct)
    {
        ValidateId(id);
        var started = _time.GetTimestamp();
        while (true)
        {
            if (await _tenants.GetAsync(id, ct).ConfigureAwait(false) is null) return true;
            var left = timeout - _time.GetElapsedTime(started);
            if (left <= TimeSpan.Zero) return false;
            await Task.Delay(left < DeletionPollInterval ? left : DeletionPollInterval, _time, ct).ConfigureAwait(false);
        }
    }

    private async Task<Tenant> MoveAsync(string id, TenantState to, string? ifMatch, CancellationToken ct)
    {
        ValidateId(id);
        TenantAdministrationException? refusal = null;
        var updated = await _tenants.UpdateAsync(id, t =>
        {
            refusal = t.State == TenantState.Deleting
                ? new TenantAdministrationException(TenantErrorKind.Conflict, $"Tenant {id} is being deleted; it cannot be {(to == TenantState.Active ? "resumed" : "suspended")}")
                : PreconditionProblem(id, ifMatch, t);
            return refusal is null ? t with { State = to } : null;
        }, ct).ConfigureAwait(false);
        return updated ?? throw (refusal ?? NotFound(id));
    }

    /// <summary>Checked inside the store's update loop, so against the version the write would replace.</summary>
    private static TenantAdministrationException? PreconditionProblem(string id, string? ifMatch, Tenant current) =>
        TenantETag.Matches(ifMatch, current)
            ? null
            : new TenantAdministrationException(TenantErrorKind.PreconditionFailed,
                $"Tenant {id} has changed: its ETag is now {TenantETag.Of(current)}, not {ifMatch}; read it again and retry with the new ETag");

    /// <summary>ACLs before credentials: the admin can do nothing before it can log in, and can log in only once it may act.</summary>
    private async Task<TenantAdminCredentials> ProvisionAdminAsync(string id, CancellationToken ct)
    {
        await _acls.CreateAsync(AdminAcls(id), ct).ConfigureAwait(false);
        var user = AdminUser(id);
        var password = NewPassword();
        foreach (var mechanism in AdminMechanisms)
            await _credentials.UpsertAsync(user, mechanism, ScramCredentials.Create(mechanism, password, AdminIterations), ct).ConfigureAwait(false);
        return new TenantAdminCredentials(user, password);
    }

    private async Task<bool> HasAdminCredentialsAsync(string id, CancellationToken ct)
    {
        var user = AdminUser(id);
        var (credentials, _) = await _credentials.LoadAsync(ct).ConfigureAwait(false);
        return AdminMechanisms.All(m => credentials.Any(c => c.User == user && c.Mechanism == m));
    }

    private async Task<Tenant> GetRequiredAsync(string id, CancellationToken ct)
    {
        ValidateId(id);
        return await _tenants.GetAsync(id, ct).ConfigureAwait(false) ?? throw NotFound(id);
    }

    /// <summary>Base64url of 24 random bytes: 192 bits, 32 characters that need no quoting in a properties file or a shell.</summary>
    private static string NewPassword() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(PasswordBytes));

    private static void ValidateId(string id)
    {
        if (TenantNamespace.IdProblem(id) is { } problem) throw Invalid(problem);
    }

    private static void ValidateLimits(string id, TenantLimits limits)
    {
        if (limits.MaxTopics < 0 || limits.MaxPartitions < 0 || limits.MaxRetainedBytes < 0 || limits.MaxConnections < 0)
            throw Invalid($"The limits of tenant {id} must not be negative ({limits})");
    }

    private static TenantAdministrationException Invalid(string message) => new(TenantErrorKind.Invalid, message);

    private static TenantAdministrationException NotFound(string id) => new(TenantErrorKind.NotFound, $"Tenant {id} does not exist");
}
