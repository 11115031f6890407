namespace Fjord.Security.Credentials;

/// <summary>SCRAM credentials per user and mechanism (Table storage; in memory for unit tests).</summary>
public interface IScramCredentialStore
{
    Task InitializeAsync(CancellationToken ct);

    /// <summary>A number that changes whenever a credential is written or deleted: one cheap read tells a cache to reload.</summary>
    Task<long> ReadVersionAsync(CancellationToken ct);

    /// <summary>Every credential, and the version they are as of.</summary>
    Task<(IReadOnlyList<UserScramCredential> Credentials, long Version)> LoadAsync(CancellationToken ct);

    /// <summary>Creates or replaces the user's credential for the mechanism.</summary>
    Task UpsertAsync(string user, ScramMechanism mechanism, ScramCredential credential, CancellationToken ct);

    /// <summary>Deletes the user's credential for the mechanism; false when there was none.</summary>
    Task<bool> DeleteAsync(string user, ScramMechanism mechanism, CancellationToken ct);

    /// <summary>
    /// Stores the credential only if the user has none for the mechanism; false when one exists. Bootstrap
    /// users use it so that a restart never undoes a password an admin changed. Stores override this with an
    /// atomic insert; the default only narrows the race.
    /// </summary>
    async Task<bool> CreateIfAbsentAsync(string user, ScramMechanism mechanism, ScramCredential credential, CancellationToken ct)
    {
        var (existing, _) = await LoadAsync(ct).ConfigureAwait(false);
        if (existing.Any(c => c.User == user && c.Mechanism == mechanism))
            return false;
        await UpsertAsync(user, mechanism, credential, ct).ConfigureAwait(false);
        return true;
    }
}
