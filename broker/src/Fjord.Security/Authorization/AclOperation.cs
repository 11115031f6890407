namespace Fjord.Security.Authorization;

/// <summary>Kafka's ACL operations, with their wire codes; also the bit positions of KIP-430 authorized-operation sets.</summary>
public enum AclOperation : sbyte
{
    Unknown = 0,
    Any = 1,
    All = 2,
    Read = 3,
    Write = 4,
    Create = 5,
    Delete = 6,
    Alter = 7,
    Describe = 8,
    ClusterAction = 9,
    DescribeConfigs = 10,
    AlterConfigs = 11,
    IdempotentWrite = 12,
    CreateTokens = 13,
    DescribeTokens = 14,
}
