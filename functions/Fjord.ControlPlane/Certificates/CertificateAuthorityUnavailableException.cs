namespace Fjord.ControlPlane.Certificates;

/// <summary>
/// The cluster CA cannot be used: not configured at all (<see cref="Configured"/> false: this control plane does not
/// sign), or configured but unreadable (a missing file, a key readable by others, a vault that refuses).
/// </summary>
public sealed class CertificateAuthorityUnavailableException(string message, bool configured, Exception? inner = null) : Exception(message, inner)
{
    public bool Configured { get; } = configured;
}
