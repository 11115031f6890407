namespace Fjord.Functions.Certificates;

/// <summary>One page of a tenant's certificates in serial order; <see cref="Next"/> is the continuation token of the next page, null on the last.</summary>
public sealed record CertificatePage(IReadOnlyList<CertificateResource> Items, string? Next);
