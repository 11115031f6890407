namespace Fjord.Security.Credentials;

/// <summary>An <see cref="IScramCredentialStore"/> in memory, for unit tests and single-process runs.</summary>
public sealed class InMemoryScramCredentialStore : IScramCredentialStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<ScramCredentialKey, ScramCredential> _credentials = [];
    private long _version;

    public Task InitializeAsync(CancellationToken ct) => Task.CompletedTask;

    public Task<long> ReadVersionAsync(CancellationToken ct)
    {
        lock (_lock)
            return Task.FromResult(_version);
    }

    public Task<(IReadOnlyList<UserScramCredential> Credentials, long Version)> LoadAsync(CancellationToken ct)
    {
        lock (_lock)
        {
            IReadOnlyList<UserScramCredential> all = [.. _credentials.Select(e => new UserScramCredential(e.Key.User, e.Key.Mechanism, Copy(e.Value)))];
            return Task.FromResult((all, _version));
        }
    }

    public Task UpsertAsync(string user, ScramMechanism mechanism, ScramCredential credential, CancellationToken ct)
    {
        ScramCredentialArguments.Validate(user, mechanism, credential);
        lock (_lock)
        {
            _credentials[new(user, mechanism)] = Copy(credential);
            _version++;
        }

        return Task.CompletedTask;
    }

    public Task<bool> CreateIfAbsentAsync(string user, ScramMechanism mechanism, ScramCredential credential, CancellationToken ct)
    {
        ScramCredentialArguments.Validate(user, mechanism, credential);
        lock (_lock)
        {
            if (!_credentials.TryAdd(new(user, mechanism), Copy(credential)))
                return Task.FromResult(false);
            _version++;
            return Task.FromResult(true);
        }
    }

    public Task<bool> DeleteAsync(string user, ScramMechanism mechanism, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(user);
        lock (_lock)
        {
            if (!_credentials.Remove(new(user, mechanism)))
                return Task.FromResult(false);
            _version++;
            return Task.FromResult(true);
        }
    }

    // Callers get their own arrays: a test mutating a returned salt must not change what is stored.
    private static ScramCredential Copy(ScramCredential c) =>
        new((byte[])c.Salt.Clone(), (byte[])c.StoredKey.Clone(), (byte[])c.ServerKey.Clone(), c.Iterations);
}
