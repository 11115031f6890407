namespace Fjord.Broker.Tenancy.Storage;

/// <summary>
/// What one broker last reported for one tenant: the bytes retained by the tenant's partitions it leads (local
/// log plus what only Blob storage holds), and when it wrote the figure.
/// </summary>
public sealed record TenantUsageRow(string TenantId, int BrokerId, long RetainedBytes, DateTimeOffset UpdatedAt);
