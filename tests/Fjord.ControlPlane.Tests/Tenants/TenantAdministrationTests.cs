using Fjord.ControlPlane.Tenants;
using Fjord.Security.Authorization;
using Fjord.Security.Credentials;
using Fjord.Security.Tenancy;
using Microsoft.Extensions.Time.Testing;

namespace Fjord.ControlPlane.Tests.Tenants;

public sealed class TenantAdministrationTests
{
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(1));
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 7, 9, 0, 0, TimeSpan.Zero));
    private readonly InMemoryTenantStore _tenants = new();
    private readonly CrashingCredentialStore _credentials = new(new InMemoryScramCredentialStore());
    private readonly InMemoryAclStore _acls = new();
    private readonly TenantAdministration _admin;

    public TenantAdministrationTests() => _admin = new TenantAdministration(_tenants, _credentials, _acls, _time);

    private CancellationToken Ct => _timeout.Token;

    [Fact]
    public async Task CreateStoresAnActiveTenantWithItsAdminAndTheAdminsAcls()
    {
        var created = await _admin.CreateTenantAsync("acme", "Acme Corp", new TenantLimits(MaxTopics: 5), Ct);

        Assert.Equal(new Tenant("acme", "Acme Corp", TenantState.Active, created.Tenant.ClusterId, new TenantLimits(MaxTopics: 5), _time.GetUtcNow()), created.Tenant);
        Assert.Equal(created.Tenant, await _tenants.GetAsync("acme", Ct));
        Assert.Equal(22, created.Tenant.ClusterId.Length);
        Assert.Equal("acme.admin", created.Admin.Username);
        Assert.True(created.Admin.Password.Length >= 32);
        await AssertPasswordWorksAsync("acme.admin", created.Admin.Password);
        var (acls, _) = await _acls.LoadAsync(Ct);
        Assert.Equal(
            [
                "Cluster Literal acme.kafka-cluster",
                "Group Prefixed acme.",
                "Topic Prefixed acme.",
                "TransactionalId Prefixed acme.",
            ],
            acls.Select(a => $"{a.Pattern.ResourceType} {a.Pattern.PatternType} {a.Pattern.Name}").Order(StringComparer.Ordinal));
        Assert.All(acls, a => Assert.Equal(new AccessControlEntry("User:acme.admin", "*", AclOperation.All, AclPermissionType.Allow), a.Entry));
    }

    [Fact]
    public async Task EachTenantGetsItsOwnClusterIdAndPassword()
    {
        var acme = await _admin.CreateTenantAsync("acme", null, null, Ct);
        var globex = await _admin.CreateTenantAsync("globex", null, null, Ct);

        Assert.NotEqual(acme.Tenant.ClusterId, globex.Tenant.ClusterId);
        Assert.NotEqual(acme.Admin.Password, globex.Admin.Password);
        Assert.Equal("acme", acme.Tenant.DisplayName);
    }

    [Fact]
    public void ThePasswordIsNotPrinted()
    {
        var credentials = new TenantAdminCredentials("acme.admin", "s3cret-s3cret");

        Assert.DoesNotContain("s3cret", credentials.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", new CreatedTenant(new Tenant("acme", "a", TenantState.Active, "x", TenantLimits.None, default), credentials).ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("A")]
    [InlineData("Acme")]
    [InlineData("ac.me")]
    [InlineData("acme-")]
    public async Task AnIllegalIdIsRefusedWithTheReasonAndNothingIsWritten(string id)
    {
        var e = await Assert.ThrowsAsync<TenantAdministrationException>(() => _admin.CreateTenantAsync(id, null, null, Ct));

        Assert.Equal(TenantErrorKind.Invalid, e.Kind);
        Assert.Equal(TenantNamespace.IdProblem(id), e.Message);
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task NegativeLimitsAndBadDisplayNamesAreRefused()
    {
        Assert.Equal(TenantErrorKind.Invalid, (await Assert.ThrowsAsync<TenantAdministrationException>(
            () => _admin.CreateTenantAsync("acme", null, new TenantLimits(MaxPartitions: -1), Ct))).Kind);
        Assert.Equal(TenantErrorKind.Invalid, (await Assert.ThrowsAsync<TenantAdministrationException>(
            () => _admin.CreateTenantAsync("acme", new string('x', 201), null, Ct))).Kind);
        Assert.Equal(TenantErrorKind.Invalid, (await Assert.ThrowsAsync<TenantAdministrationException>(
            () => _admin.CreateTenantAsync("acme", "a\nb", null, Ct))).Kind);
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task CreatingAnExistingTenantIsRefusedAndLeavesItsAdminAlone()
    {
        var first = await _admin.CreateTenantAsync("acme", null, null, Ct);

        var e = await Assert.ThrowsAsync<TenantAdministrationException>(() => _admin.CreateTenantAsync("acme", "again", null, Ct));

        Assert.Equal(TenantErrorKind.AlreadyExists, e.Kind);
        Assert.Equal(first.Tenant, await _tenants.GetAsync("acme", Ct));
        await AssertPasswordWorksAsync("acme.admin", first.Admin.Password);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public async Task ACreateThatDiedBeforeTheAdminHadBothCredentialsIsFinishedByCreatingAgain(int writesBeforeDying)
    {
        _credentials.WritesLeft = writesBeforeDying;
        await Assert.ThrowsAsync<IOException>(() => _admin.CreateTenantAsync("acme", "Acme", null, Ct));
        var halfDone = await _tenants.GetAsync("acme", Ct);
        Assert.NotNull(halfDone);
        _credentials.WritesLeft = int.MaxValue;

        var finished = await _admin.CreateTenantAsync("acme", "Acme", null, Ct);

        Assert.Equal(halfDone, finished.Tenant);
        await AssertPasswordWorksAsync("acme.admin", finished.Admin.Password);
        Assert.Equal(4, (await _acls.LoadAsync(Ct)).Acls.Count);
    }

    [Fact]
    public async Task AHalfDoneCreateCanBeDeletedInstead()
    {
        _credentials.WritesLeft = 1;
        await Assert.ThrowsAsync<IOException>(() => _admin.CreateTenantAsync("acme", null, null, Ct));

        var deleting = await _admin.DeleteAsync("acme", Ct);

        Assert.Equal(TenantState.Deleting, deleting.State);
        var e = await Assert.ThrowsAsync<TenantAdministrationException>(() => _admin.CreateTenantAsync("acme", null, null, Ct));
        Assert.Equal(TenantErrorKind.Conflict, e.Kind);
    }

    [Fact]
    public async Task ResetAdminPasswordReplacesBothCredentials()
    {
        var created = await _admin.CreateTenantAsync("acme", null, null, Ct);

        var reset = await _admin.ResetAdminPasswordAsync("acme", Ct);

        Assert.NotEqual(created.Admin.Password, reset.Password);
        await AssertPasswordWorksAsync("acme.admin", reset.Password);
    }

    [Fact]
    public async Task SuspendAndResumeMoveTheState()
    {
        await _admin.CreateTenantAsync("acme", null, null, Ct);

        Assert.Equal(TenantState.Suspended, (await _admin.SuspendAsync("acme", Ct)).State);
        Assert.Equal(TenantState.Suspended, (await _admin.SuspendAsync("acme", Ct)).State);
        Assert.Equal(TenantState.Active, (await _admin.ResumeAsync("acme", Ct)).State);
        Assert.Equal(TenantState.Active, (await _tenants.GetAsync("acme", Ct))!.State);
    }

    [Fact]
    public async Task ATenantBeingDeletedCannotBeResumedSuspendedOrRelimited()
    {
        await _admin.CreateTenantAsync("acme", null, null, Ct);
        await _admin.DeleteAsync("acme", Ct);

        Assert.Equal(TenantErrorKind.Conflict, (await Assert.ThrowsAsync<TenantAdministrationException>(() => _admin.ResumeAsync("acme", Ct))).Kind);
        Assert.Equal(TenantErrorKind.Conflict, (await Assert.ThrowsAsync<TenantAdministrationException>(() => _admin.SuspendAsync("acme", Ct))).Kind);
        Assert.Equal(TenantErrorKind.Conflict, (await Assert.ThrowsAsync<TenantAdministrationException>(
            () => _admin.SetLimitsAsync("acme", TenantLimits.None, Ct))).Kind);
        Assert.Equal(TenantState.Deleting, (await _admin.DeleteAsync("acme", Ct)).State);
    }

    [Fact]
    public async Task AMissingTenantIsNotFound()
    {
        Assert.Equal(TenantErrorKind.NotFound, (await Assert.ThrowsAsync<TenantAdministrationException>(() => _admin.SuspendAsync("acme", Ct))).Kind);
        Assert.Equal(TenantErrorKind.NotFound, (await Assert.ThrowsAsync<TenantAdministrationException>(() => _admin.ResumeAsync("acme", Ct))).Kind);
        Assert.Equal(TenantErrorKind.NotFound, (await Assert.ThrowsAsync<TenantAdministrationException>(() => _admin.DeleteAsync("acme", Ct))).Kind);
        Assert.Equal(TenantErrorKind.NotFound, (await Assert.ThrowsAsync<TenantAdministrationException>(
            () => _admin.SetLimitsAsync("acme", TenantLimits.None, Ct))).Kind);
        Assert.Equal(TenantErrorKind.NotFound, (await Assert.ThrowsAsync<TenantAdministrationException>(() => _admin.ResetAdminPasswordAsync("acme", Ct))).Kind);
        Assert.Null(await _admin.GetAsync("acme", Ct));
        Assert.Null(await _admin.GetAsync("Not An Id", Ct));
    }

    [Fact]
    public async Task SetLimitsReplacesTheLimits()
    {
        await _admin.CreateTenantAsync("acme", null, new TenantLimits(MaxTopics: 1, MaxConnections: 9), Ct);

        var updated = await _admin.SetLimitsAsync("acme", new TenantLimits(MaxPartitions: 50), Ct);

        Assert.Equal(new TenantLimits(MaxPartitions: 50), updated.Limits);
        Assert.Equal(updated, await _admin.GetAsync("acme", Ct));
        Assert.Equal(TenantErrorKind.Invalid, (await Assert.ThrowsAsync<TenantAdministrationException>(
            () => _admin.SetLimitsAsync("acme", new TenantLimits(MaxRetainedBytes: -5), Ct))).Kind);
    }

    [Fact]
    public async Task ListReturnsEveryTenantInIdOrder()
    {
        await _admin.CreateTenantAsync("globex", null, null, Ct);
        await _admin.CreateTenantAsync("acme", null, null, Ct);

        Assert.Equal(["acme", "globex"], (await _admin.ListAsync(Ct)).Select(t => t.Id));
    }

    [Fact]
    public async Task WaitForDeletionReturnsOnceTheRowIsGoneOrFalseAtTheTimeout()
    {
        await _admin.CreateTenantAsync("acme", null, null, Ct);
        await _admin.DeleteAsync("acme", Ct);

        var waiting = _admin.WaitForDeletionAsync("acme", TimeSpan.FromSeconds(10), Ct);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(waiting.IsCompleted);
        await _tenants.DeleteAsync("acme", Ct);
        while (!waiting.IsCompleted)
        {
            _time.Advance(TimeSpan.FromMilliseconds(500));
            await Task.Yield();
            await Task.WhenAny(waiting, Task.Delay(5, Ct));
        }

        Assert.True(await waiting);

        await _admin.CreateTenantAsync("globex", null, null, Ct);
        var timingOut = _admin.WaitForDeletionAsync("globex", TimeSpan.FromSeconds(2), Ct);
        while (!timingOut.IsCompleted)
        {
            _time.Advance(TimeSpan.FromMilliseconds(500));
            await Task.WhenAny(timingOut, Task.Delay(5, Ct));
        }

        Assert.False(await timingOut);
    }

    private async Task AssertPasswordWorksAsync(string user, string password)
    {
        var (credentials, _) = await _credentials.LoadAsync(Ct);
        foreach (var mechanism in new[] { ScramMechanism.ScramSha512, ScramMechanism.ScramSha256 })
        {
            var stored = Assert.Single(credentials, c => c.User == user && c.Mechanism == mechanism).Credential;
            Assert.Equal(TenantAdministration.AdminIterations, stored.Iterations);
            var again = ScramCredentials.Create(mechanism, password, stored.Iterations, stored.Salt);
            Assert.Equal(stored.StoredKey, again.StoredKey);
            Assert.Equal(stored.ServerKey, again.ServerKey);
        }
    }

    private async Task AssertNothingStoredAsync()
    {
        Assert.Empty(await _tenants.ListAsync(Ct));
        Assert.Empty((await _credentials.LoadAsync(Ct)).Credentials);
        Assert.Empty((await _acls.LoadAsync(Ct)).Acls);
    }
}
