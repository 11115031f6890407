namespace Fjord.Security.Quotas;

/// <summary>The quotas set on one entity (never empty in a store: an entity whose last quota is removed is gone).</summary>
public sealed record ClientQuotaRecord(ClientQuotaEntity Entity, IReadOnlyDictionary<string, double> Values);
