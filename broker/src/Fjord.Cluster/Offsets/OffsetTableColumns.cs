namespace Fjord.Cluster;

/// <summary>Column names of the offsets table; typed (Int64, Int32, DateTime, Binary), not all strings.</summary>
internal static class OffsetTableColumns
{
    public const string GroupId = "GroupId";

    public const string Topic = "Topic";
    public const string Partition = "Partition";
    public const string Offset = "Offset";
    public const string LeaderEpoch = "LeaderEpoch";
    public const string Metadata = "Metadata";
    public const string CommitTime = "CommitTime";
    public const string ProducerId = "ProducerId";

    /// <summary>Binary: the recent (commit time, offset) history of the partition's committed offset (<see cref="SampleHistory"/>).</summary>
    public const string CommitSamples = "CommitSamples";

    public const string ProtocolType = "ProtocolType";
    public const string GenerationId = "GenerationId";
    public const string ProtocolName = "ProtocolName";
    public const string LeaderId = "LeaderId";
    public const string StateTime = "StateTime";
    public const string Members = "Members";
}
