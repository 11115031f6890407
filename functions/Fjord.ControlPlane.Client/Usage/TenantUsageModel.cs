namespace Fjord.ControlPlane.Client.Usage;

/// <summary>A tenant's hourly usage from <see cref="From"/> on, oldest first; hours without a roll-up are absent.</summary>
public sealed record TenantUsageModel(string Tenant, DateTimeOffset From, IReadOnlyList<TenantUsageHourModel> Hours);
