namespace Fjord.Security.Tenancy;

/// <summary>What both tenant stores refuse to write: a row a broker could not serve would only be skipped later.</summary>
internal static class TenantValidation
{
    public static void Validate(Tenant tenant)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        if (TenantNamespace.IdProblem(tenant.Id) is { } problem) throw new ArgumentException(problem, nameof(tenant));
        ArgumentNullException.ThrowIfNull(tenant.DisplayName, nameof(tenant));
        ArgumentException.ThrowIfNullOrWhiteSpace(tenant.ClusterId, nameof(tenant));
        ArgumentNullException.ThrowIfNull(tenant.Limits, nameof(tenant));
        if (!Enum.IsDefined(tenant.State)) throw new ArgumentException($"Tenant {tenant.Id} has no state {tenant.State}", nameof(tenant));
        if (LimitProblem(tenant.Limits) is { } limit) throw new ArgumentException($"Tenant {tenant.Id}: {limit}", nameof(tenant));
    }

    /// <summary>What is wrong with the limits (a negative one), or null.</summary>
    public static string? LimitProblem(TenantLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        if (limits.MaxTopics < 0) return "MaxTopics must not be negative";
        if (limits.MaxPartitions < 0) return "MaxPartitions must not be negative";
        if (limits.MaxRetainedBytes < 0) return "MaxRetainedBytes must not be negative";
        if (limits.MaxConnections < 0) return "MaxConnections must not be negative";
        return null;
    }
}
