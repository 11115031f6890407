namespace Fjord.Security.Tenancy;

/// <summary>
/// One tenant as Table storage holds it. <see cref="Id"/> is its namespace: every topic, group id, transactional
/// id and principal of the tenant is stored as <c>Id + "." + name</c> (see <see cref="TenantNamespace"/>).
/// <see cref="ClusterId"/> is the cluster id its clients see in Metadata and DescribeCluster.
/// </summary>
public sealed record Tenant(string Id, string DisplayName, TenantState State, string ClusterId, TenantLimits Limits, DateTimeOffset CreatedAt);
