using System.Diagnostics.CodeAnalysis;

namespace Fjord.Security.Credentials;

/// <summary>
/// Synchronous credential lookup for a SASL exchange, served from memory (<see cref="ScramCredentialCache"/>):
/// authenticating must not wait on storage.
/// </summary>
public interface IScramCredentialLookup
{
    bool TryGet(string user, ScramMechanism mechanism, [MaybeNullWhen(false)] out ScramCredential credential);
}
