using Fjord.Functions.Http;

namespace Fjord.Functions.Topics;

/// <summary>The body of <c>PUT /api/v1/tenants/{tenant}/topics/{topic}</c>: partitions and replication factor are required, configs optional.</summary>
public sealed record CreateTopicBody(int Partitions, short ReplicationFactor, IReadOnlyDictionary<string, string>? Configs = null) : IRequestBody
{
    public static string Example => """{"partitions": 6, "replicationFactor": 3, "configs": {"retention.ms": "604800000", "remote.storage.enable": "true"}}""";
}
