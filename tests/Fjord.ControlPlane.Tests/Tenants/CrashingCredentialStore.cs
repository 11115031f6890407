using Fjord.Security.Credentials;

namespace Fjord.ControlPlane.Tests.Tenants;

/// <summary>A credential store whose writes fail after a set number have succeeded: a control plane that dies mid-create.</summary>
internal sealed class CrashingCredentialStore(IScramCredentialStore inner) : IScramCredentialStore
{
    private int _writesLeft = int.MaxValue;

    public int WritesLeft
    {
        set => Volatile.Write(ref _writesLeft, value);
    }

    public Task InitializeAsync(CancellationToken ct) => inner.InitializeAsync(ct);

    public Task<long> ReadVersionAsync(CancellationToken ct) => inner.ReadVersionAsync(ct);

    public Task<(IReadOnlyList<UserScramCredential> Credentials, long Version)> LoadAsync(CancellationToken ct) => inner.LoadAsync(ct);

    public Task UpsertAsync(string user, ScramMechanism mechanism, ScramCredential credential, CancellationToken ct)
    {
        if (Interlocked.Decrement(ref _writesLeft) < 0) throw new IOException("the control plane died");
        return inner.UpsertAsync(user, mechanism, credential, ct);
    }

    public Task<bool> DeleteAsync(string user, ScramMechanism mechanism, CancellationToken ct) => inner.DeleteAsync(user, mechanism, ct);
}
