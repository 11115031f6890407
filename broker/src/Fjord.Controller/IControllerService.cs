using Fjord.Cluster;
using Fjord.Protocol;

namespace Fjord.Controller;

/// <summary>
/// What request handlers may ask of the cluster controller running in this broker. Requests that
/// Kafka's admin clients send to the controller (ElectLeaders, partition reassignments) are
/// answered here only while this broker holds the lease; otherwise handlers answer NOT_CONTROLLER
/// and the client finds the controller through Metadata.
/// </summary>
public interface IControllerService
{
    /// <summary>True while this broker holds the controller lease.</summary>
    bool IsActive { get; }

    /// <summary>Asks the controller loop to reconcile now rather than at its next tick (after a topic was created, say).</summary>
    void Nudge();

    /// <summary>ElectLeaders: every partition when <paramref name="partitions"/> is null.</summary>
    Task<IReadOnlyList<PartitionOutcome>> ElectLeadersAsync(ElectionKind kind, IReadOnlyList<TopicPartitionKey>? partitions, CancellationToken ct);

    /// <summary>AlterPartitionReassignments: a null target cancels the partition's ongoing reassignment.</summary>
    Task<IReadOnlyList<PartitionOutcome>> AlterPartitionReassignmentsAsync(
        IReadOnlyList<(TopicPartitionKey Partition, IReadOnlyList<int>? TargetReplicas)> changes, CancellationToken ct);

    /// <summary>ListPartitionReassignments: every ongoing one when <paramref name="partitions"/> is null.</summary>
    IReadOnlyList<OngoingReassignment> ListPartitionReassignments(IReadOnlyList<TopicPartitionKey>? partitions);
}

/// <summary>ElectLeaders' election types (v1+): 0 preferred, 1 unclean.</summary>
public enum ElectionKind : byte
{
    Preferred = 0,
    Unclean = 1,
}

public sealed record PartitionOutcome(TopicPartitionKey Partition, ErrorCode Error, string? Message);

public sealed record OngoingReassignment(
    TopicPartitionKey Partition,
    IReadOnlyList<int> Replicas,
    IReadOnlyList<int> AddingReplicas,
    IReadOnlyList<int> RemovingReplicas);
