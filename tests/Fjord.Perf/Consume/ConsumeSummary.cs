using Fjord.Perf.Suite;

namespace Fjord.Perf.Consume;

/// <summary>
/// Outcome of a consume run. <see cref="ElapsedSec"/> runs from assign/subscribe to the last
/// record; the fetch rate excludes the time to first record (metadata, rebalance, first fetch),
/// like kafka-consumer-perf-test's fetch.MB.sec. <see cref="Expected"/> is the record count the
/// run aimed for (lower than asked when retention already deleted records).
/// </summary>
internal sealed record ConsumeSummary(
    string Topic,
    long Expected,
    long Records,
    long Bytes,
    double ElapsedSec,
    double RecordsPerSec,
    double MbPerSec,
    double FirstRecordMs,
    double FetchRecordsPerSec,
    double FetchMbPerSec,
    BrokerCpu? BrokerCpu = null);
