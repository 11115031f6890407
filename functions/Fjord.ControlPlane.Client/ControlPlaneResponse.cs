using System.Net;

namespace Fjord.ControlPlane.Client;

/// <summary>A successful answer: its status, its <c>ETag</c> (null when it carried none) and its body.</summary>
public sealed record ControlPlaneResponse<T>(HttpStatusCode Status, string? ETag, T Value)
{
    /// <summary>The answer's <c>Location</c> as sent (an absolute path such as <c>/api/v1/…</c>, or a URL); null when it had none.</summary>
    public string? Location { get; init; }
}
