namespace Fjord.Functions.Cluster;

/// <summary>
/// How a tenant's Kafka clients reach the cluster: its SASL_SSL bootstrap servers and the PEM of the CA that signed
/// the brokers' certificates (null when the brokers use publicly trusted certificates).
/// </summary>
public sealed record ClusterConnectionResource(string BootstrapServers, string? CaCertificate);
