using Fjord.ControlPlane.Usage;

namespace Fjord.Functions.Usage;

/// <summary>
/// One hour (UTC) of a tenant's usage: records appended, and the peaks of retained bytes (tiered part estimated),
/// partitions and topics seen by the roll-ups in the hour.
/// </summary>
public sealed record TenantUsageHourResource(DateTimeOffset Hour, long RecordsIn, long RetainedBytes, int Partitions, int Topics)
{
    public static TenantUsageHourResource From(TenantUsageHour hour)
    {
        ArgumentNullException.ThrowIfNull(hour);
        return new(hour.Hour, hour.RecordsIn, hour.RetainedBytes, hour.Partitions, hour.Topics);
    }
}
