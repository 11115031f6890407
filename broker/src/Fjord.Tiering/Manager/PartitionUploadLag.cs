namespace Fjord.Tiering;

/// <summary>One led partition's closed local segments (and their bytes) not yet in Blob storage, as of its last tiering round.</summary>
public readonly record struct PartitionUploadLag(string Topic, int Partition, int Segments, long Bytes);
