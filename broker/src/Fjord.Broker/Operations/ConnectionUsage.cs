namespace Fjord.Broker.Operations;

/// <summary>A tenant's connection limit: cluster-wide, admitted per broker as a share of it.</summary>
/// <param name="Limit">The cluster-wide limit, or null.</param>
/// <param name="LimitOnThisBroker">This broker's share: the limit divided by the live brokers, rounded up.</param>
/// <param name="UsedOnThisBroker">The tenant's authenticated connections on this broker.</param>
public sealed record ConnectionUsage(long? Limit, long? LimitOnThisBroker, long UsedOnThisBroker);
