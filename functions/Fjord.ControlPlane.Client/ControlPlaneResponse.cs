using System.Net;

namespace Fjord.ControlPlane.Client;

/// <summary>A successful answer: its status, its <c>ETag</c> (null when it carried none) and its body.</summary>
public sealed record ControlPlaneResponse<T>(HttpStatusCode Status, string? ETag, T Value);
