using System.Diagnostics.Metrics;
using Fjord.Protocol;

namespace Fjord.Broker.Observability;

/// <summary>
/// Kafka's RequestMetrics: the total time of each request, from its frame being read to its response being
/// ready (a quota's response delay included, as Kafka's TotalTimeMs includes throttle time), per API. The
/// histogram's count is the request count (Kafka's RequestsPerSec). The tag per API key is built once.
/// </summary>
public sealed class RequestMetrics
{
    public const string TotalTime = "kafka.network.requestmetrics.total_time";
    public const string RequestTag = "request";

    // Milliseconds: sub-millisecond requests are the common case on a local log, seconds the long-polling fetch.
    private static readonly double[] Buckets = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000];

    private readonly Histogram<double> _totalTime;
    private readonly KeyValuePair<string, object?>[] _tags;

    public RequestMetrics(Meter meter)
    {
        ArgumentNullException.ThrowIfNull(meter);
        _totalTime = meter.CreateHistogram(TotalTime, "ms", "Time from a request's arrival to its response being ready, per API (Kafka's TotalTimeMs)",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = Buckets });
        var keys = Enum.GetValues<ApiKey>();
        _tags = new KeyValuePair<string, object?>[keys.Max(k => (short)k) + 1];
        for (var i = 0; i < _tags.Length; i++) _tags[i] = new(RequestTag, ((ApiKey)i).ToString());
    }

    public void Record(ApiKey api, TimeSpan elapsed)
    {
        var index = (short)api;
        if ((uint)index < (uint)_tags.Length) _totalTime.Record(elapsed.TotalMilliseconds, _tags[index]);
    }
}
