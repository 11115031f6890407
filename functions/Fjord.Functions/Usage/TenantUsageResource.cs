namespace Fjord.Functions.Usage;

/// <summary>A tenant's hourly usage from <see cref="From"/> on, oldest hour first; hours without a roll-up are absent.</summary>
public sealed record TenantUsageResource(string Tenant, DateTimeOffset From, IReadOnlyList<TenantUsageHourResource> Hours);
