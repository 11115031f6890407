namespace Fjord.ControlPlane.Client;

/// <summary>
/// The control plane refused a request: its problem+json answer (RFC 9457), whose <see cref="Detail"/> says what to
/// fix. An answer that was not problem+json (a proxy's error page, say) arrives with its reason phrase as the title.
/// </summary>
public sealed class ControlPlaneException(int status, string title, string detail) : Exception(detail)
{
    public int Status { get; } = status;

    public string Title { get; } = title;

    public string Detail { get; } = detail;
}
