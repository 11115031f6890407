using Fjord.Functions.Http;
using Fjord.Security.Tenancy;

namespace Fjord.Functions.Tenants;

/// <summary>A tenant's limits on the wire. Every field must be present; null means no limit, so a PUT replaces all four.</summary>
public sealed record TenantLimitsBody(int? MaxTopics, int? MaxPartitions, long? MaxRetainedBytes, int? MaxConnections) : IRequestBody
{
    public static string Example => """{"maxTopics": 100, "maxPartitions": 600, "maxRetainedBytes": null, "maxConnections": 1000} (null: no limit)""";

    public static TenantLimitsBody From(TenantLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        return new(limits.MaxTopics, limits.MaxPartitions, limits.MaxRetainedBytes, limits.MaxConnections);
    }

    public TenantLimits ToLimits() => new(MaxTopics, MaxPartitions, MaxRetainedBytes, MaxConnections);
}
