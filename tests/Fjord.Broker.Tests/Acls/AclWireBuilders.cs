using Fjord.Protocol;
using Fjord.Security.Authorization;

namespace Fjord.Broker.Tests.Acls;

/// <summary>Wire messages for the tests, from the ACL model.</summary>
internal static class AclWireBuilders
{
    public static CreateAclsRequest.AclCreation Creation(AclBinding binding) => new()
    {
        ResourceType = (sbyte)binding.Pattern.ResourceType,
        ResourceName = binding.Pattern.Name,
        ResourcePatternType = (sbyte)binding.Pattern.PatternType,
        Principal = binding.Entry.Principal,
        Host = binding.Entry.Host,
        Operation = (sbyte)binding.Entry.Operation,
        PermissionType = (sbyte)binding.Entry.PermissionType,
    };

    /// <summary>The generated messages are classes, not records: change one field of a fresh creation.</summary>
    public static CreateAclsRequest.AclCreation Tweak(CreateAclsRequest.AclCreation creation, Action<CreateAclsRequest.AclCreation> change)
    {
        change(creation);
        return creation;
    }

    public static DescribeAclsRequest Describe(AclBindingFilter filter) => new()
    {
        ResourceTypeFilter = (sbyte)filter.ResourceType,
        ResourceNameFilter = filter.ResourceName,
        PatternTypeFilter = (sbyte)filter.PatternType,
        PrincipalFilter = filter.Principal,
        HostFilter = filter.Host,
        Operation = (sbyte)filter.Operation,
        PermissionType = (sbyte)filter.PermissionType,
    };

    public static DeleteAclsRequest.DeleteAclsFilter DeleteFilter(AclBindingFilter filter) => new()
    {
        ResourceTypeFilter = (sbyte)filter.ResourceType,
        ResourceNameFilter = filter.ResourceName,
        PatternTypeFilter = (sbyte)filter.PatternType,
        PrincipalFilter = filter.Principal,
        HostFilter = filter.Host,
        Operation = (sbyte)filter.Operation,
        PermissionType = (sbyte)filter.PermissionType,
    };

    public static AclBinding TopicAcl(string principal, AclOperation operation, string name, PatternType pattern = PatternType.Literal, AclPermissionType permission = AclPermissionType.Allow) =>
        new(new ResourcePattern(ResourceType.Topic, name, pattern), new AccessControlEntry(principal, "*", operation, permission));

    public static AclBinding ClusterAcl(string principal, AclOperation operation) =>
        new(new ResourcePattern(ResourceType.Cluster, ResourcePattern.ClusterResourceName, PatternType.Literal), new AccessControlEntry(principal, "*", operation, AclPermissionType.Allow));

    public static AclBinding FromDescription(DescribeAclsResponse.DescribeAclsResource resource, DescribeAclsResponse.AclDescription acl, short version) =>
        new(new ResourcePattern((ResourceType)resource.ResourceType, resource.ResourceName, version >= 1 ? (PatternType)resource.PatternType : PatternType.Literal),
            new AccessControlEntry(acl.Principal, acl.Host, (AclOperation)acl.Operation, (AclPermissionType)acl.PermissionType));

    public static AclBinding FromMatching(DeleteAclsResponse.DeleteAclsMatchingAcl acl, short version) =>
        new(new ResourcePattern((ResourceType)acl.ResourceType, acl.ResourceName, version >= 1 ? (PatternType)acl.PatternType : PatternType.Literal),
            new AccessControlEntry(acl.Principal, acl.Host, (AclOperation)acl.Operation, (AclPermissionType)acl.PermissionType));
}
