using Fjord.Perf.Suite;

namespace Fjord.Perf.Fetch;

/// <summary>
/// What was true when one librdkafka statistics event was handed to the consumer:
/// librdkafka's clock (<c>ts</c>, µs), Fetch requests the consumer had sent so far, records it
/// had consumed so far, and the broker's CPU time (when its pid is known).
/// </summary>
internal sealed record FetchCounterSnapshot(long ClientMicros, long FetchRequests, long RecordsConsumed, CpuTimes? BrokerCpu);
