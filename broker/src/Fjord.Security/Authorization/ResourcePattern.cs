namespace Fjord.Security.Authorization;

/// <summary>What an ACL applies to: a resource type and a name, taken literally, as a prefix, or <c>*</c> for all.</summary>
public sealed record ResourcePattern(ResourceType ResourceType, string Name, PatternType PatternType)
{
    /// <summary>The literal name that matches every resource of its type.</summary>
    public const string WildcardResource = "*";

    /// <summary>The one name a Cluster resource has.</summary>
    public const string ClusterResourceName = "kafka-cluster";
}
