namespace Fjord.Security.Tenancy;

/// <summary>
/// Keys and columns of the tenant table. Every row shares one partition, so a change and its version bump commit in
/// one entity-group transaction. A tenant's row key is its id ([a-z0-9-], always a legal key); '!' is never in an
/// id, so no tenant can take the version row's key. A limit that is null has no column at all.
/// </summary>
internal static class TenantTableColumns
{
    public const string Partition = "tenants";
    public const string VersionRow = "!version";

    public const string Version = "Version";
    public const string DisplayName = "DisplayName";
    public const string State = "State";
    public const string ClusterId = "ClusterId";
    public const string MaxTopics = "MaxTopics";
    public const string MaxPartitions = "MaxPartitions";
    public const string MaxRetainedBytes = "MaxRetainedBytes";
    public const string MaxConnections = "MaxConnections";
    public const string CreatedAt = "CreatedAt";
}
