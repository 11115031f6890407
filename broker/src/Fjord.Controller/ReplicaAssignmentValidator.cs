using Fjord.Protocol;

namespace Fjord.Controller;

/// <summary>
/// Checks replica assignments a client chose itself (CreateTopics assignments, CreatePartitions
/// assignments, AlterPartitionReassignments targets) with KRaft's rules and messages, all reported as
/// INVALID_REPLICA_ASSIGNMENT: no empty list, no broker twice, only registered brokers, and the same
/// replication factor for every partition of a topic.
/// </summary>
public static class ReplicaAssignmentValidator
{
    /// <summary>
    /// Validates partitions listed in order (index = partition). <paramref name="replicationFactor"/> is the
    /// topic's existing factor when there is one (CreatePartitions); null means the first partition sets it,
    /// and null with <paramref name="requireConsistentReplicationFactor"/> false checks each list on its own
    /// (a reassignment may change the factor).
    /// </summary>
    public static PlacementResult Validate(
        IReadOnlyList<IReadOnlyList<int>> assignment,
        IReadOnlySet<int> registeredBrokers,
        int? replicationFactor = null,
        bool requireConsistentReplicationFactor = true)
    {
        ArgumentNullException.ThrowIfNull(assignment);
        ArgumentNullException.ThrowIfNull(registeredBrokers);
        var expected = replicationFactor;
        foreach (var replicas in assignment)
        {
            var error = ValidateOne(replicas, registeredBrokers, expected);
            if (error is not null)
            {
                return PlacementResult.Failure(ErrorCode.InvalidReplicaAssignment, error);
            }

            if (requireConsistentReplicationFactor)
            {
                expected ??= replicas.Count;
            }
        }

        return PlacementResult.Success(assignment);
    }

    /// <summary>
    /// Validates CreateTopics' assignments, which name their partitions: each index once, and together a
    /// consecutive 0-based sequence. On success the assignment is returned ordered by partition.
    /// </summary>
    public static PlacementResult ValidateCreateTopics(
        IReadOnlyList<PartitionAssignment> assignments,
        IReadOnlySet<int> registeredBrokers)
    {
        ArgumentNullException.ThrowIfNull(assignments);
        var byIndex = new SortedDictionary<int, IReadOnlyList<int>>();
        foreach (var a in assignments)
        {
            if (!byIndex.TryAdd(a.PartitionIndex, a.BrokerIds))
            {
                return PlacementResult.Failure(
                    ErrorCode.InvalidReplicaAssignment,
                    $"Found multiple manual partition assignments for partition {a.PartitionIndex}");
            }
        }

        var expectedIndex = 0;
        foreach (var index in byIndex.Keys)
        {
            if (index != expectedIndex++)
            {
                return PlacementResult.Failure(
                    ErrorCode.InvalidReplicaAssignment,
                    "partitions should be a consecutive 0-based integer sequence");
            }
        }

        return Validate([.. byIndex.Values], registeredBrokers);
    }

    /// <summary>
    /// Validates CreatePartitions: the count must grow, and explicit assignments (if any) must cover exactly
    /// the new partitions with the topic's replication factor. Null assignments mean "place them for me".
    /// </summary>
    public static PlacementResult ValidateCreatePartitions(
        int currentPartitionCount,
        int requestedPartitionCount,
        IReadOnlyList<IReadOnlyList<int>>? newAssignments,
        IReadOnlySet<int> registeredBrokers,
        int existingReplicationFactor)
    {
        if (requestedPartitionCount < currentPartitionCount)
        {
            return PlacementResult.Failure(
                ErrorCode.InvalidPartitions,
                $"Topic currently has {currentPartitionCount} partitions, which is higher than the requested {requestedPartitionCount}.");
        }

        if (requestedPartitionCount == currentPartitionCount)
        {
            return PlacementResult.Failure(ErrorCode.InvalidPartitions, $"Topic already has {currentPartitionCount} partitions.");
        }

        if (newAssignments is null)
        {
            return PlacementResult.Success([]);
        }

        var added = requestedPartitionCount - currentPartitionCount;
        if (newAssignments.Count != added)
        {
            return PlacementResult.Failure(
                ErrorCode.InvalidReplicaAssignment,
                $"Attempted to add {added} additional partition(s), but only {newAssignments.Count} assignment(s) were specified.");
        }

        return Validate(newAssignments, registeredBrokers, existingReplicationFactor);
    }

    private static string? ValidateOne(IReadOnlyList<int> replicas, IReadOnlySet<int> registered, int? expected)
    {
        if (replicas.Count == 0)
        {
            return "The manual partition assignment includes an empty replica list.";
        }

        // Sorted, as KRaft checks them, so the message names the smallest offending id whatever the order.
        var sorted = replicas.Order().ToArray();
        for (var i = 0; i < sorted.Length; i++)
        {
            if (!registered.Contains(sorted[i]))
            {
                return $"The manual partition assignment includes broker {sorted[i]}, but no such broker is registered.";
            }

            if (i > 0 && sorted[i] == sorted[i - 1])
            {
                return $"The manual partition assignment includes the broker {sorted[i]} more than once.";
            }
        }

        if (expected is { } rf && replicas.Count != rf)
        {
            return $"The manual partition assignment includes a partition with {replicas.Count} replica(s), but this is not consistent with previous partitions, which have {rf} replica(s).";
        }

        return null;
    }
}
