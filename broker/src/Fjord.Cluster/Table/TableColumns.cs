namespace Fjord.Cluster;

/// <summary>Column names of the metadata table. Columns are typed (Int64, Int32, Guid, DateTime), not all strings.</summary>
internal static class TableColumns
{
    public const string Version = "Version";
    public const string ClusterId = "ClusterId";

    public const string Name = "Name";
    public const string TopicId = "TopicId";
    public const string PartitionCount = "PartitionCount";
    public const string ReplicationFactor = "ReplicationFactor";
    public const string Configs = "Configs";
    public const string Assignment = "Assignment";
    public const string DeletedAt = "DeletedAt";

    public const string NodeId = "NodeId";
    public const string IncarnationId = "IncarnationId";
    public const string Endpoints = "Endpoints";
    public const string Rack = "Rack";
    public const string LastHeartbeat = "LastHeartbeat";
    public const string ShuttingDown = "ShuttingDown";

    public const string Epoch = "Epoch";
    public const string LeaseWrittenAt = "LeaseWrittenAt";
    public const string Released = "Released";

    public const string Topic = "Topic";
    public const string Partition = "Partition";
    public const string Replicas = "Replicas";
    public const string Leader = "Leader";
    public const string LeaderEpoch = "LeaderEpoch";
    public const string Isr = "Isr";
    public const string PartitionEpoch = "PartitionEpoch";
    public const string AddingReplicas = "AddingReplicas";
    public const string RemovingReplicas = "RemovingReplicas";

    // The last producer-id block claimed (Kafka's /latest_producer_id_block znode held the same three).
    public const string FirstProducerId = "FirstProducerId";
    public const string LastProducerId = "LastProducerId";
}
