using Fjord.Security.Credentials;

namespace Fjord.Broker.Tests.Tenancy.Reaper;

/// <summary>A credential store whose deletes fail while <see cref="Failing"/> is set: a controller that dies, or loses storage, mid-reap.</summary>
internal sealed class FailingCredentialStore(IScramCredentialStore inner) : IScramCredentialStore
{
    private volatile bool _failing;

    public bool Failing
    {
        get => _failing;
        set => _failing = value;
    }

    public Task InitializeAsync(CancellationToken ct) => inner.InitializeAsync(ct);

    public Task<long> ReadVersionAsync(CancellationToken ct) => inner.ReadVersionAsync(ct);

    public Task<(IReadOnlyList<UserScramCredential> Credentials, long Version)> LoadAsync(CancellationToken ct) => inner.LoadAsync(ct);

    public Task UpsertAsync(string user, ScramMechanism mechanism, ScramCredential credential, CancellationToken ct) => inner.UpsertAsync(user, mechanism, credential, ct);

    public Task<bool> CreateIfAbsentAsync(string user, ScramMechanism mechanism, ScramCredential credential, CancellationToken ct) =>
        inner.CreateIfAbsentAsync(user, mechanism, credential, ct);

    public Task<bool> DeleteAsync(string user, ScramMechanism mechanism, CancellationToken ct) =>
        _failing ? throw new IOException("storage went away") : inner.DeleteAsync(user, mechanism, ct);
}
