namespace Fjord.Security.Authorization;

/// <summary>Column names of the ACL table. Enums are stored as their Kafka wire codes, which never change meaning.</summary>
internal static class AclTableColumns
{
    public const string ResourceType = "ResourceType";
    public const string ResourceName = "ResourceName";
    public const string PatternType = "PatternType";
    public const string Principal = "Principal";
    public const string Host = "Host";
    public const string Operation = "Operation";
    public const string PermissionType = "PermissionType";
    public const string Version = "Version";
}
