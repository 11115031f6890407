using System.Text;

namespace Fjord.Cluster;

/// <summary>Argument checks shared by every <see cref="IOffsetStore"/>, so the fake refuses exactly what Table storage refuses.</summary>
internal static class OffsetStoreValidation
{
    public static void ValidateGroupId(string groupId)
    {
        // Kafka answers INVALID_GROUP_ID for an empty group id; nothing is ever stored under one.
        ArgumentException.ThrowIfNullOrEmpty(groupId);
    }

    public static void ValidateOffsets(IReadOnlyList<CommittedOffset> offsets)
    {
        ArgumentNullException.ThrowIfNull(offsets);
        foreach (var offset in offsets)
        {
            ArgumentNullException.ThrowIfNull(offset, nameof(offsets));
            ValidatePartition(offset.Topic, offset.Partition);
            if (offset.Metadata is { } metadata && Encoding.UTF8.GetByteCount(metadata) > OffsetStoreLimits.MaxMetadataBytes)
                throw new ArgumentException($"The metadata of {offset.Topic}-{offset.Partition} is longer than {OffsetStoreLimits.MaxMetadataBytes} bytes.", nameof(offsets));
            if (offset.CommitTime < OffsetStoreLimits.MinCommitTime)
                throw new ArgumentOutOfRangeException(nameof(offsets), offset.CommitTime, $"The commit time of {offset.Topic}-{offset.Partition} is before {OffsetStoreLimits.MinCommitTime:O}.");
        }
    }

    public static void ValidatePartitions(IReadOnlyList<(string Topic, int Partition)> partitions)
    {
        ArgumentNullException.ThrowIfNull(partitions);
        foreach (var (topic, partition) in partitions)
            ValidatePartition(topic, partition);
    }

    public static void ValidateGroup(GroupRecord group)
    {
        ArgumentNullException.ThrowIfNull(group);
        ValidateGroupId(group.GroupId);
        ArgumentNullException.ThrowIfNull(group.ProtocolType, nameof(group));
        ArgumentNullException.ThrowIfNull(group.Members, nameof(group));
        foreach (var member in group.Members)
        {
            ArgumentNullException.ThrowIfNull(member, nameof(group));
            ArgumentNullException.ThrowIfNull(member.MemberId, nameof(group));
            ArgumentNullException.ThrowIfNull(member.Subscription, nameof(group));
            ArgumentNullException.ThrowIfNull(member.Assignment, nameof(group));
        }
    }

    /// <summary>
    /// Kafka processes a request's partitions in order, so when one names a partition twice the
    /// last entry is what stays committed. (Table storage also refuses a transaction that touches
    /// one row twice.)
    /// </summary>
    public static List<CommittedOffset> LastPerPartition(IReadOnlyList<CommittedOffset> offsets)
    {
        var last = new Dictionary<(string, int), int>(offsets.Count);
        for (var i = 0; i < offsets.Count; i++)
            last[(offsets[i].Topic, offsets[i].Partition)] = i;
        var result = new List<CommittedOffset>(last.Count);
        for (var i = 0; i < offsets.Count; i++)
        {
            if (last[(offsets[i].Topic, offsets[i].Partition)] == i)
                result.Add(offsets[i]);
        }

        return result;
    }

    /// <summary>The order both stores return offsets in: by topic (ordinal), then partition.</summary>
    public static int Compare(CommittedOffset a, CommittedOffset b)
    {
        var byTopic = string.CompareOrdinal(a.Topic, b.Topic);
        return byTopic != 0 ? byTopic : a.Partition.CompareTo(b.Partition);
    }

    private static void ValidatePartition(string topic, int partition)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        ArgumentOutOfRangeException.ThrowIfNegative(partition);
        // The topic is part of the offset's row key; a name too long to be a key cannot be stored.
        _ = TableKeys.Encode(topic);
    }
}
