using Fjord.Cluster;
using Fjord.Controller;
using Fjord.Protocol;

namespace Fjord.Broker.Tests.Protocol;

/// <summary>An active controller that records what handlers delegate and answers with fixed outcomes.</summary>
internal sealed class FakeControllerService : IControllerService
{
    public bool IsActive { get; set; } = true;

    public int Nudges { get; private set; }

    public List<(ElectionKind Kind, IReadOnlyList<TopicPartitionKey>? Partitions)> Elections { get; } = [];

    public List<IReadOnlyList<(TopicPartitionKey Partition, IReadOnlyList<int>? TargetReplicas)>> Reassignments { get; } = [];

    public List<IReadOnlyList<TopicPartitionKey>?> Listings { get; } = [];

    public void Nudge() => Nudges++;

    public Task<IReadOnlyList<PartitionOutcome>> ElectLeadersAsync(ElectionKind kind, IReadOnlyList<TopicPartitionKey>? partitions, CancellationToken ct)
    {
        Elections.Add((kind, partitions));
        IReadOnlyList<PartitionOutcome> outcomes = (partitions ?? [new TopicPartitionKey("every", 0)])
            .Select(p => new PartitionOutcome(p, p.Partition == 0 ? ErrorCode.None : ErrorCode.ElectionNotNeeded, p.Partition == 0 ? null : "Leader is already the preferred replica."))
            .ToList();
        return Task.FromResult(outcomes);
    }

    public Task<IReadOnlyList<PartitionOutcome>> AlterPartitionReassignmentsAsync(
        IReadOnlyList<(TopicPartitionKey Partition, IReadOnlyList<int>? TargetReplicas)> changes, CancellationToken ct)
    {
        Reassignments.Add(changes);
        IReadOnlyList<PartitionOutcome> outcomes = changes
            .Select(c => new PartitionOutcome(c.Partition, c.TargetReplicas is null ? ErrorCode.NoReassignmentInProgress : ErrorCode.None, null))
            .ToList();
        return Task.FromResult(outcomes);
    }

    public IReadOnlyList<OngoingReassignment> ListPartitionReassignments(IReadOnlyList<TopicPartitionKey>? partitions)
    {
        Listings.Add(partitions);
        return [new OngoingReassignment(new TopicPartitionKey("moving", 2), [0, 1, 2], [2], [0])];
    }
}
