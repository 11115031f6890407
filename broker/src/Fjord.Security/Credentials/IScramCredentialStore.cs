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
}
