using Fjord.Perf.Produce;

namespace Fjord.Perf.Latency;

/// <summary>Produce-to-consume latency of the measured records; <see cref="Missing"/> were sent but never seen.</summary>
internal sealed record E2eLatencySummary(string Topic, int Records, int Missing, double RatePerSec, double ElapsedSec, LatencySummary Latency);
