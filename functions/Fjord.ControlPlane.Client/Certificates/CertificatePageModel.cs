namespace Fjord.ControlPlane.Client.Certificates;

/// <summary>One page of a tenant's certificates in serial order; <see cref="Next"/> continues it, null on the last.</summary>
public sealed record CertificatePageModel(IReadOnlyList<CertificateModel> Items, string? Next);
