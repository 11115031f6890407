using System.Diagnostics;
using System.Diagnostics.Metrics;
using Fjord.Security.Tenancy;
using Fjord.Tiering;

namespace Fjord.Broker.Observability.Derived;

/// <summary>
/// Tiered storage's upload lag and copies, for the partitions this broker leads. Gauges per partition (attributes
/// <c>topic</c>, <c>partition</c>, <c>tenant</c>; stored topic names): <c>fjord.tier.upload.lag.bytes</c> and
/// <c>fjord.tier.upload.lag.segments</c>, the closed local segments not yet COPY_FINISHED as of the partition's last
/// tiering round (KIP-963's RemoteCopyLagBytes / RemoteCopyLagSegments). Counters per topic (<c>topic</c>,
/// <c>tenant</c>): <c>fjord.tier.remote.copy.bytes</c> and <c>fjord.tier.remote.copy.requests</c> for segments
/// copied, <c>fjord.tier.remote.copy.errors</c> (plus <c>error.kind</c>, see <see cref="CopyErrorKind"/>) for failed
/// attempts: KIP-405's RemoteCopyBytesPerSec, RemoteCopyRequestsPerSec and RemoteCopyErrorsPerSec, as counts a
/// rate() turns into those rates. The gauges read what the rounds already measured: no I/O at collection.
/// </summary>
/// <example><code>var tierLag = new TierLagMetrics(meter, tiering.Manager, security.Tenants);</code></example>
public sealed class TierLagMetrics : IDisposable
{
    public const string LagBytesInstrument = "fjord.tier.upload.lag.bytes";
    public const string LagSegmentsInstrument = "fjord.tier.upload.lag.segments";
    public const string CopyBytesInstrument = "fjord.tier.remote.copy.bytes";
    public const string CopyRequestsInstrument = "fjord.tier.remote.copy.requests";
    public const string CopyErrorsInstrument = "fjord.tier.remote.copy.errors";

    private readonly RemoteLogManager _tiering;
    private readonly TenantCache _tenants;
    private readonly Counter<long> _copyBytes;
    private readonly Counter<long> _copyRequests;
    private readonly Counter<long> _copyErrors;

    /// <param name="meter">The broker's meter ("Fjord.Broker").</param>
    /// <param name="tiering">The broker's remote log manager.</param>
    /// <param name="tenants">Tells each stored topic name's tenant.</param>
    public TierLagMetrics(Meter meter, RemoteLogManager tiering, TenantCache tenants)
    {
        ArgumentNullException.ThrowIfNull(meter);
        ArgumentNullException.ThrowIfNull(tiering);
        ArgumentNullException.ThrowIfNull(tenants);
        _tiering = tiering;
        _tenants = tenants;
        meter.CreateObservableGauge(LagBytesInstrument, () => Lag(static l => l.Bytes), "By",
            "Bytes of closed local segments not yet copied to Blob storage, per led partition");
        meter.CreateObservableGauge(LagSegmentsInstrument, () => Lag(static l => l.Segments), "{segment}",
            "Closed local segments not yet copied to Blob storage, per led partition");
        _copyBytes = meter.CreateCounter<long>(CopyBytesInstrument, "By", "Bytes of segments copied to Blob storage (Kafka's RemoteCopyBytesPerSec)");
        _copyRequests = meter.CreateCounter<long>(CopyRequestsInstrument, "{segment}", "Segments copied to Blob storage (Kafka's RemoteCopyRequestsPerSec)");
        _copyErrors = meter.CreateCounter<long>(CopyErrorsInstrument, "{error}", "Failed segment copies to Blob storage (Kafka's RemoteCopyErrorsPerSec)");
        tiering.SegmentCopied += OnSegmentCopied;
        tiering.CopyFailed += OnCopyFailed;
    }

    private Measurement<long>[] Lag(Func<PartitionUploadLag, long> figure)
    {
        var lags = _tiering.UploadLagByPartition();
        var measurements = new Measurement<long>[lags.Count];
        for (var i = 0; i < lags.Count; i++)
        {
            var lag = lags[i];
            measurements[i] = new Measurement<long>(figure(lag), new TagList
            {
                { "topic", lag.Topic },
                { "partition", lag.Partition },
                { "tenant", TenantOf(lag.Topic) },
            });
        }
        return measurements;
    }

    private void OnSegmentCopied(RemoteSegmentMetadata segment)
    {
        var tags = new TagList { { "topic", segment.Topic }, { "tenant", TenantOf(segment.Topic) } };
        _copyBytes.Add(segment.SizeInBytes, tags);
        _copyRequests.Add(1, tags);
    }

    private void OnCopyFailed(string topic, int partition, string kind) =>
        _copyErrors.Add(1, new TagList { { "topic", topic }, { "tenant", TenantOf(topic) }, { "error.kind", kind } });

    private string TenantOf(string storedTopic) => _tenants.OwnerOf(storedTopic)?.Id ?? "";

    public void Dispose()
    {
        _tiering.SegmentCopied -= OnSegmentCopied;
        _tiering.CopyFailed -= OnCopyFailed;
    }
}
