namespace Fjord.Broker.Operations;

/// <summary>One of a tenant's cluster-wide limits and what the tenant holds against it.</summary>
/// <param name="Limit">The limit, or null when there is none.</param>
/// <param name="Used">What the tenant holds, cluster-wide, as this broker sees it.</param>
public sealed record LimitUsage(long? Limit, long Used);
