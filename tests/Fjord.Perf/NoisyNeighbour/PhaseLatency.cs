using Fjord.Perf.Produce;

namespace Fjord.Perf.NoisyNeighbour;

/// <summary>The steady producer's records of one phase: sent, delivered, not delivered, and the delivered ones' latency.</summary>
internal sealed record PhaseLatency(int Sent, int Delivered, int NotDelivered, LatencySummary Latency);
