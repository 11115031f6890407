using Fjord.Protocol;
using Fjord.Security.Quotas;

namespace Fjord.Broker.Handlers.Quotas;

/// <summary>
/// A DescribeClientQuotas filter, checked as Kafka checks it: each component names an entity type once and matches
/// an exact name (match type 0, with a name), the default entity (1) or any named entity (2, both without a name).
/// Non-strict, an entity matches when it has every filtered type (and possibly others); strict, when it has
/// exactly those types.
/// </summary>
public sealed class ClientQuotaFilter
{
    public const sbyte MatchExact = 0;
    public const sbyte MatchDefault = 1;
    public const sbyte MatchSpecified = 2;

    private readonly (string Type, sbyte MatchType, string? Match)[] _components;
    private readonly bool _strict;

    private ClientQuotaFilter((string, sbyte, string?)[] components, bool strict)
    {
        _components = components;
        _strict = strict;
    }

    /// <summary>The filter of a request, or false with Kafka's INVALID_REQUEST message.</summary>
    public static bool TryCreate(DescribeClientQuotasRequest request, out ClientQuotaFilter filter, out string problem)
    {
        ArgumentNullException.ThrowIfNull(request);
        filter = null!;
        var components = new List<(string, sbyte, string?)>();
        foreach (var c in request.Components)
        {
            if (components.Exists(x => x.Item1 == c.EntityType))
            {
                problem = $"Entity type {c.EntityType} cannot appear more than once in the filter.";
                return false;
            }
            if (c.EntityType is not (ClientQuotaEntity.User or ClientQuotaEntity.ClientId or ClientQuotaEntity.Ip or ClientQuotaEntity.Tenant))
            {
                problem = $"Unhandled client quota entity type: {c.EntityType}";
                return false;
            }
            switch (c.MatchType)
            {
                case MatchExact when c.Match is null:
                    problem = $"Request specified MATCH_TYPE_EXACT for {c.EntityType}, but set match string to null";
                    return false;
                case MatchDefault or MatchSpecified when c.Match is not null:
                    problem = $"Request specified MATCH_TYPE_{(c.MatchType == MatchDefault ? "DEFAULT" : "SPECIFIED")} for {c.EntityType}, but also specified a match string";
                    return false;
                case MatchExact or MatchDefault or MatchSpecified:
                    break;
                default:
                    problem = $"Unknown match type {c.MatchType} for {c.EntityType}";
                    return false;
            }
            components.Add((c.EntityType, c.MatchType, c.Match));
        }
        if (components.Exists(c => c.Item1 == ClientQuotaEntity.Ip) && components.Exists(c => c.Item1 != ClientQuotaEntity.Ip))
        {
            problem = "Invalid entity filter component combination, IP filter component should not be used with user, client-id or tenant filter components.";
            return false;
        }
        filter = new ClientQuotaFilter([.. components], request.Strict);
        problem = "";
        return true;
    }

    public bool Matches(ClientQuotaEntity entity)
    {
        ArgumentNullException.ThrowIfNull(entity);
        if (_strict && entity.Count != _components.Length) return false;
        foreach (var (type, matchType, match) in _components)
        {
            if (!entity.TryGetName(type, out var name)) return false;
            var matches = matchType switch
            {
                MatchExact => name == match,
                MatchDefault => name is null,
                _ => name is not null,
            };
            if (!matches) return false;
        }
        return true;
    }
}
