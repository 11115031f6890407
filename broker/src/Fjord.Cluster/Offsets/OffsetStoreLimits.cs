namespace Fjord.Cluster;

/// <summary>The sizes every <see cref="IOffsetStore"/> accepts; the coordinator checks them first to answer with Kafka's error codes.</summary>
public static class OffsetStoreLimits
{
    /// <summary>
    /// Kafka's default <c>offset.metadata.max.bytes</c>: a commit whose metadata is longer gets
    /// OFFSET_METADATA_TOO_LARGE. Counted in UTF-8 bytes, as Kafka counts it on the wire.
    /// </summary>
    public const int MaxMetadataBytes = 4096;

    /// <summary>
    /// The group record's members live in one binary Table storage column, which holds at most 64 KiB.
    /// </summary>
    public const int MaxGroupMembersBytes = 64 * 1024;

    /// <summary>Table storage's Edm.DateTime starts at 1601-01-01 UTC; earlier commit times cannot be stored.</summary>
    public static readonly DateTimeOffset MinCommitTime = new(1601, 1, 1, 0, 0, 0, TimeSpan.Zero);
}
