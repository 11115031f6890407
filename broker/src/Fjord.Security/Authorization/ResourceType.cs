namespace Fjord.Security.Authorization;

/// <summary>Kafka's resource types, with their wire codes (CreateAcls, DescribeAcls, DeleteAcls).</summary>
public enum ResourceType : sbyte
{
    Unknown = 0,
    Any = 1,
    Topic = 2,
    Group = 3,
    Cluster = 4,
    TransactionalId = 5,
    DelegationToken = 6,
    User = 7,
}
