namespace Fjord.Security.Authorization;

/// <summary>Kafka's ACL permission types, with their wire codes. Any appears only in filters.</summary>
public enum AclPermissionType : sbyte
{
    Unknown = 0,
    Any = 1,
    Deny = 2,
    Allow = 3,
}
