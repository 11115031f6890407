using Fjord.Functions.Http;
using Fjord.Security.Authorization;

namespace Fjord.Functions.Acls;

/// <summary>
/// Kafka's names for the ACL enums, read and written as Kafka's Java client and Confluent.Kafka spell them
/// (<c>Topic</c>, <c>TransactionalId</c>, <c>Prefixed</c>, <c>IdempotentWrite</c>). Reading ignores case, '_' and
/// '-', so <c>TRANSACTIONAL_ID</c> as kafka-acls prints it works too. Filters also take <c>Any</c> (and a pattern
/// type filter <c>Match</c>). An unknown name is a 400 that lists the names there are.
/// </summary>
public static class AclNames
{
    private static readonly ResourceType[] ResourceTypes =
        [ResourceType.Topic, ResourceType.Group, ResourceType.Cluster, ResourceType.TransactionalId, ResourceType.User, ResourceType.DelegationToken];

    private static readonly PatternType[] PatternTypes = [PatternType.Literal, PatternType.Prefixed];

    private static readonly AclOperation[] Operations =
    [
        AclOperation.Read, AclOperation.Write, AclOperation.Create, AclOperation.Delete, AclOperation.Alter, AclOperation.Describe,
        AclOperation.ClusterAction, AclOperation.DescribeConfigs, AclOperation.AlterConfigs, AclOperation.IdempotentWrite, AclOperation.All,
    ];

    private static readonly AclPermissionType[] Permissions = [AclPermissionType.Allow, AclPermissionType.Deny];

    public static ResourceType ResourceTypeOf(string field, string value, bool filter) =>
        Parse<ResourceType>(field, value, filter ? [ResourceType.Any, .. ResourceTypes] : ResourceTypes);

    public static PatternType PatternTypeOf(string field, string value, bool filter) =>
        Parse<PatternType>(field, value, filter ? [PatternType.Any, PatternType.Match, .. PatternTypes] : PatternTypes);

    public static AclOperation OperationOf(string field, string value, bool filter) =>
        Parse<AclOperation>(field, value, filter ? [AclOperation.Any, .. Operations] : Operations);

    public static AclPermissionType PermissionOf(string field, string value, bool filter) =>
        Parse<AclPermissionType>(field, value, filter ? [AclPermissionType.Any, .. Permissions] : Permissions);

    public static string Name<T>(T value)
        where T : struct, Enum => value.ToString();

    private static T Parse<T>(string field, string value, T[] allowed)
        where T : struct, Enum
    {
        var wanted = Normalize(value);
        foreach (var candidate in allowed)
            if (Normalize(candidate.ToString()) == wanted) return candidate;
        throw ApiProblemException.BadRequest($"{field} '{value}' is not one of {string.Join(", ", allowed.Select(a => a.ToString()))}");
    }

    private static string Normalize(string value) => value.Replace("_", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal).Trim().ToUpperInvariant();
}
