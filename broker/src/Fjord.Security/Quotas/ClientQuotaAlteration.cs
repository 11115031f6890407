namespace Fjord.Security.Quotas;

/// <summary>One change to an entity's quotas: set <see cref="Key"/> to <see cref="Value"/>, or remove it when the value is null.</summary>
public readonly record struct ClientQuotaAlteration(string Key, double? Value);
