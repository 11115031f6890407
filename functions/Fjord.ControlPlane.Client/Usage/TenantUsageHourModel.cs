namespace Fjord.ControlPlane.Client.Usage;

/// <summary>One hour (UTC) of a tenant's usage: records appended, and the peaks of retained bytes, partitions and topics.</summary>
public sealed record TenantUsageHourModel(DateTimeOffset Hour, long RecordsIn, long RetainedBytes, int Partitions, int Topics);
