using System.Diagnostics.CodeAnalysis;
using Fjord.Security.Credentials;

namespace Fjord.Security.Tests.Authentication;

/// <summary>A fixed set of credentials, for exchanges that do not need the cache.</summary>
internal sealed class TestCredentials : IScramCredentialLookup
{
    /// <summary>The minimum keeps PBKDF2 cheap on a 2-core machine.</summary>
    public const int Iterations = ScramMechanisms.MinIterations;

    private readonly Dictionary<ScramCredentialKey, ScramCredential> _credentials = [];

    public TestCredentials Add(string user, string password, params ScramMechanism[] mechanisms)
    {
        foreach (var mechanism in mechanisms.Length == 0 ? [ScramMechanism.ScramSha256, ScramMechanism.ScramSha512] : mechanisms)
            _credentials[new(user, mechanism)] = ScramCredentials.Create(mechanism, password, Iterations);
        return this;
    }

    public TestCredentials Add(string user, ScramMechanism mechanism, ScramCredential credential)
    {
        _credentials[new(user, mechanism)] = credential;
        return this;
    }

    public bool TryGet(string user, ScramMechanism mechanism, [MaybeNullWhen(false)] out ScramCredential credential) =>
        _credentials.TryGetValue(new(user, mechanism), out credential);
}
