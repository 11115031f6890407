using System.Net;
using Fjord.Security.Tenancy;

namespace Fjord.Security.Quotas;

/// <summary>
/// Kafka's rules for what a client quota may be set on and to, plus Fjord's tenant type. The valid entities are
/// Kafka's {user}, {client-id}, {user, client-id} and {ip}; and {tenant} (the tenant's cap), or a tenant component
/// with any of Kafka's user/client-id combinations (a tenant's own quotas, whose named users must be the tenant's).
/// The ip entity takes connection_creation_rate only, and connection_creation_rate goes with ip only.
/// </summary>
public static class ClientQuotaValidation
{
    /// <summary>What makes <paramref name="entity"/> unfit to carry a quota (Kafka answers INVALID_REQUEST), or null.</summary>
    public static string? EntityProblem(ClientQuotaEntity entity)
    {
        ArgumentNullException.ThrowIfNull(entity);
        if (entity.Count == 0) return "Invalid empty client quota entity";
        foreach (var (type, name) in entity.Components)
        {
            if (type is not (ClientQuotaEntity.User or ClientQuotaEntity.ClientId or ClientQuotaEntity.Ip or ClientQuotaEntity.Tenant))
                return $"Unhandled client quota entity type: {type}";
            if (name is not null && name.Length == 0) return $"Empty {type} not supported";
        }
        if (entity.TryGetName(ClientQuotaEntity.Ip, out var ip))
        {
            if (entity.Count > 1) return "Invalid quota entity combination, IP quota should not combine with user, client-id or tenant";
            if (ip is not null && !IPAddress.TryParse(ip, out _)) return $"Invalid IP address: {ip}";
        }
        if (entity.TryGetName(ClientQuotaEntity.Tenant, out var tenant))
        {
            if (tenant is null)
            {
                if (entity.Count > 1) return "The default tenant entity stands alone: it caps each tenant that has no quota of its own";
            }
            else
            {
                if (TenantNamespace.IdProblem(tenant) is { } problem) return problem;
                if (entity.TryGetName(ClientQuotaEntity.User, out var user) && user is not null
                    && !(user.Length > tenant.Length + 1 && user.StartsWith(tenant + TenantNamespace.Separator, StringComparison.Ordinal)))
                    return $"User {user} is not a user of tenant {tenant}";
            }
        }
        return null;
    }

    /// <summary>Why <paramref name="key"/> cannot be set on <paramref name="entity"/> (INVALID_REQUEST), or null.</summary>
    public static string? KeyProblem(ClientQuotaEntity entity, string key)
    {
        ArgumentNullException.ThrowIfNull(entity);
        if (!ClientQuotaKeys.IsKnown(key)) return $"Invalid configuration key {key}";
        var isIp = entity.Has(ClientQuotaEntity.Ip);
        if (isIp && key != ClientQuotaKeys.ConnectionCreationRate) return $"{key} cannot be set on an ip entity: only {ClientQuotaKeys.ConnectionCreationRate} can";
        if (!isIp && key == ClientQuotaKeys.ConnectionCreationRate) return $"{key} can only be set on an ip entity";
        return null;
    }

    /// <summary>Why <paramref name="value"/> is no value for <paramref name="key"/> (INVALID_CONFIG), or null.</summary>
    public static string? ValueProblem(string key, double value)
    {
        if (double.IsNaN(value) || double.IsInfinity(value) || value <= 0) return $"Proposed value for {key} must be a positive number, not {value}";
        if (ClientQuotaKeys.IsWholeNumber(key))
        {
            if (value != Math.Floor(value)) return $"Proposed value for {key} is not a whole number: {value}";
            if (key == ClientQuotaKeys.ConnectionCreationRate ? value > int.MaxValue : value > long.MaxValue) return $"Proposed value for {key} is out of range: {value}";
        }
        return null;
    }
}
