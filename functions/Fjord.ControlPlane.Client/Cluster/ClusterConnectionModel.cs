namespace Fjord.ControlPlane.Client.Cluster;

/// <summary>
/// How a Kafka client reaches the cluster: the brokers' SASL_SSL listeners, and the PEM of the CA that signed their
/// certificates (null when they use publicly trusted ones).
/// </summary>
public sealed record ClusterConnectionModel(string BootstrapServers, string? CaCertificate);
