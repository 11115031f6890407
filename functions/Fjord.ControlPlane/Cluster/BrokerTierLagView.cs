namespace Fjord.ControlPlane.Cluster;

/// <summary>
/// One broker's Blob upload lag: closed segments and bytes of the partitions it leads not yet uploaded, how long the
/// oldest has waited (null when none waits), partitions whose uploads fail and the latest failure's kind.
/// </summary>
public sealed record BrokerTierLagView(int Segments, long Bytes, double? OldestWaitingSeconds, int FailingPartitions, string? LastErrorKind);
