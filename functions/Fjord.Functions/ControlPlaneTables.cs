using Fjord.ControlPlane.ApiKeys;
using Fjord.Security.Authorization;
using Fjord.Security.Credentials;
using Fjord.Security.Quotas;
using Fjord.Security.Tenancy;

namespace Fjord.Functions;

/// <summary>
/// Creates the tables once per process, on the first request rather than at start-up: a worker must come up
/// quickly (the Functions host times out its start), and a storage outage then fails requests, not the process.
/// A failed attempt is forgotten, so the next request tries again.
/// </summary>
public sealed class ControlPlaneTables(ITenantStore tenants, IScramCredentialStore credentials, IAclStore acls, ApiKeyStore apiKeys, IClientQuotaStore quotas)
{
    private readonly Lock _lock = new();
    private Task? _initialized;

    public Task EnsureCreatedAsync(CancellationToken ct)
    {
        lock (_lock)
        {
            if (_initialized is { IsFaulted: false, IsCanceled: false }) return _initialized.WaitAsync(ct);
            // Not tied to one request's token: a caller that gives up must not cancel the creation for the others.
            _initialized = Task.WhenAll(
                tenants.InitializeAsync(CancellationToken.None),
                credentials.InitializeAsync(CancellationToken.None),
                acls.InitializeAsync(CancellationToken.None),
                apiKeys.InitializeAsync(CancellationToken.None),
                quotas.InitializeAsync(CancellationToken.None));
            return _initialized.WaitAsync(ct);
        }
    }
}
