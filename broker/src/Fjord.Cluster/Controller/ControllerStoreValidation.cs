namespace Fjord.Cluster;

/// <summary>Argument checks shared by every <see cref="IControllerStore"/>, so the fake refuses exactly what Table storage would.</summary>
internal static class ControllerStoreValidation
{
    public static void ValidateClaim(int nodeId, Guid incarnationId, TimeSpan leaseDuration)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(nodeId);
        if (incarnationId == Guid.Empty)
            throw new ArgumentException("A controller claimant needs a non-zero incarnation id.", nameof(incarnationId));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(leaseDuration, TimeSpan.Zero);
    }

    public static void ValidateChanges(IReadOnlyList<(PartitionState State, int? ExpectedPartitionEpoch)> changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var seen = new HashSet<(string, int)>();
        foreach (var (state, expected) in changes)
        {
            PartitionStateValidation.Validate(state);
            if (!seen.Add((state.Topic, state.Partition)))
                throw new ArgumentException($"Partition {state.Topic}-{state.Partition} appears twice in one write.", nameof(changes));
            if (expected is < 0)
                throw new ArgumentException($"Partition {state.Topic}-{state.Partition}: expected partition epoch {expected} is negative.", nameof(changes));
        }
    }
}
