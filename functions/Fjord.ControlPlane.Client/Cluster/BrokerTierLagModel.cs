namespace Fjord.ControlPlane.Client.Cluster;

/// <summary>One broker's Blob upload lag: segments and bytes waiting, the oldest's wait, failing partitions and the latest error's kind.</summary>
public sealed record BrokerTierLagModel(int Segments, long Bytes, double? OldestWaitingSeconds, int FailingPartitions, string? LastErrorKind);
