namespace Fjord.ControlPlane.Cluster;

/// <summary>
/// The Blob tier's upload lag summed over the brokers whose status rows are fresh; <see cref="StaleBrokers"/> lists
/// the brokers whose rows were left out (see <see cref="BrokerStatusView.StatusStale"/>) or who published none.
/// </summary>
public sealed record TierLagSummary(int Segments, long Bytes, double? OldestWaitingSeconds, int FailingPartitions, string? LastErrorKind, IReadOnlyList<int> StaleBrokers);
