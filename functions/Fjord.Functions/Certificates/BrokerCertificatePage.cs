namespace Fjord.Functions.Certificates;

/// <summary>One page of the brokers' certificates in serial order; <see cref="Next"/> continues it, null on the last.</summary>
public sealed record BrokerCertificatePage(IReadOnlyList<BrokerCertificateInfo> Items, string? Next);
