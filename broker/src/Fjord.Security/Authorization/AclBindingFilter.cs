namespace Fjord.Security.Authorization;

/// <summary>
/// DescribeAcls / DeleteAcls filter, with Kafka's semantics: a null string matches any value, Any matches
/// every enum value, and PatternType Match matches the literal name, the <c>*</c> wildcard and every
/// prefixed pattern that is a prefix of the name.
/// </summary>
public sealed record AclBindingFilter(
    ResourceType ResourceType,
    string? ResourceName,
    PatternType PatternType,
    string? Principal,
    string? Host,
    AclOperation Operation,
    AclPermissionType PermissionType);
