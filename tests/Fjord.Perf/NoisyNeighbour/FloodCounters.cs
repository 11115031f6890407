namespace Fjord.Perf.NoisyNeighbour;

/// <summary>The noisy tenant's totals at one moment (<see cref="Timestamp"/>, Stopwatch ticks); two of them give a window's rates.</summary>
internal readonly record struct FloodCounters(long Attempts, long Refused, long Delivered, long Failed, ThrottleWindow Throttle, long Timestamp);
