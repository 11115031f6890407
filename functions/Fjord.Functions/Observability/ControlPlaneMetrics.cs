using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Fjord.Functions.Observability;

/// <summary>
/// The control plane's instruments (meter <see cref="MeterName"/>), exported as Prometheus text by the local host and
/// to Azure Monitor by the Functions app. Tags stay low-cardinality: the function's name and route template, never
/// the tenant or topic in the URL.
/// <list type="bullet">
/// <item><c>fjord.controlplane.requests</c> and <c>fjord.controlplane.request.duration</c> (seconds): per function,
/// route, method and status class (<c>2xx</c>…<c>5xx</c>).</item>
/// <item><c>fjord.controlplane.reconciler.runs</c> and <c>fjord.controlplane.reconciler.duration</c>: per timer task
/// and outcome (<c>succeeded</c>, <c>failed</c>).</item>
/// <item><c>fjord.controlplane.reconciler.items</c>: what the runs did, per task and kind (renewed, pruned, …).</item>
/// </list>
/// </summary>
public sealed class ControlPlaneMetrics
{
    public const string MeterName = "Fjord.ControlPlane";

    /// <summary>Seconds, from a fast read (a few ms) to a create that waits for leaders (tens of seconds); the SDK's default buckets are milliseconds.</summary>
    private static readonly InstrumentAdvice<double> SecondsBuckets = new() { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60] };

    /// <summary>
    /// One meter per process, never disposed. OpenTelemetry merges same-named instruments of all meters into one
    /// metric and ends it when any of them is disposed, so a second host in the process (tests run several) that
    /// disposed a meter of its own would silence the first's.
    /// </summary>
    private static readonly Meter SharedMeter = new(MeterName);

    private static readonly Counter<long> Requests = SharedMeter.CreateCounter<long>("fjord.controlplane.requests", "{request}", "API requests answered");
    private static readonly Histogram<double> RequestDuration = SharedMeter.CreateHistogram("fjord.controlplane.request.duration", "s", "Time to answer an API request", tags: null, SecondsBuckets);
    private static readonly Counter<long> Runs = SharedMeter.CreateCounter<long>("fjord.controlplane.reconciler.runs", "{run}", "Runs of the reconciler's timer tasks");
    private static readonly Histogram<double> RunDuration = SharedMeter.CreateHistogram("fjord.controlplane.reconciler.duration", "s", "Time a reconciler task took", tags: null, SecondsBuckets);
    private static readonly Counter<long> Items = SharedMeter.CreateCounter<long>("fjord.controlplane.reconciler.items", "{item}", "What the reconciler's runs changed or reported");

    private readonly Counter<long> _requests = Requests;
    private readonly Histogram<double> _requestDuration = RequestDuration;
    private readonly Counter<long> _runs = Runs;
    private readonly Histogram<double> _runDuration = RunDuration;
    private readonly Counter<long> _items = Items;

    public void RecordRequest(string function, string route, string method, int status, TimeSpan elapsed)
    {
        var tags = new TagList
        {
            { "function", function },
            { "route", route },
            { "method", method.ToUpperInvariant() },
            { "status_class", StatusClass(status) },
        };
        _requests.Add(1, tags);
        _requestDuration.Record(elapsed.TotalSeconds, tags);
    }

    public void RecordRun(string task, bool succeeded, TimeSpan elapsed)
    {
        var tags = new TagList { { "task", task }, { "outcome", succeeded ? "succeeded" : "failed" } };
        _runs.Add(1, tags);
        _runDuration.Record(elapsed.TotalSeconds, tags);
    }

    public void RecordItems(string task, string kind, long count)
    {
        if (count > 0) _items.Add(count, new TagList { { "task", task }, { "kind", kind } });
    }

    public static string StatusClass(int status) => status is >= 100 and < 600 ? (status / 100) + "xx" : "other";
}
