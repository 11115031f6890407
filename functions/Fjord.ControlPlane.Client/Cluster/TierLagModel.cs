namespace Fjord.ControlPlane.Client.Cluster;

/// <summary>The Blob upload lag summed over fresh status rows; <see cref="StaleBrokers"/> were left out.</summary>
public sealed record TierLagModel(int Segments, long Bytes, double? OldestWaitingSeconds, int FailingPartitions, string? LastErrorKind, IReadOnlyList<int> StaleBrokers);
