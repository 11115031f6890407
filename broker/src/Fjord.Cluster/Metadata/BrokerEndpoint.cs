namespace Fjord.Cluster;

/// <summary>One listener a broker advertises, as Kafka's Metadata and DescribeCluster report it.</summary>
public sealed record BrokerEndpoint(string ListenerName, string Host, int Port, string SecurityProtocol);
