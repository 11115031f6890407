namespace Fjord.Tiering;

/// <summary>Column names of the manifest table. Columns are typed (Guid, Int32, Int64, DateTime); only the epochs are a string.</summary>
internal static class RemoteLogTableColumns
{
    public const string TopicId = "TopicId";
    public const string Topic = "Topic";
    public const string Partition = "Partition";
    public const string SegmentId = "SegmentId";
    public const string BaseOffset = "BaseOffset";
    public const string EndOffset = "EndOffset";
    public const string MaxTimestamp = "MaxTimestamp";
    public const string SizeInBytes = "SizeInBytes";
    public const string LeaderEpochs = "LeaderEpochs";
    public const string State = "State";
    public const string BrokerId = "BrokerId";
    public const string LeaderEpoch = "LeaderEpoch";
    public const string EventTime = "EventTime";
}
