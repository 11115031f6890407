namespace Fjord.Perf.Tiering;

/// <summary>
/// The storage requests one broker spent tiering <see cref="BytesWritten"/> of produced payload:
/// Blob requests by HTTP method (the billed operations, retries included) and Table requests to the
/// remote-log manifest, both as counted on the wire.
/// </summary>
internal sealed record TierOpsSummary(
    long BytesWritten,
    long Records,
    long RecordsUploaded,
    int SegmentBytes,
    int SegmentsUploaded,
    double ProduceSeconds,
    double UploadWaitSeconds,
    IReadOnlyDictionary<string, long> BlobRequestsByMethod,
    IReadOnlyDictionary<string, long> BlobRequestsByFile,
    IReadOnlyDictionary<string, long> ManifestRequestsByMethod)
{
    private const double Gib = 1024.0 * 1024 * 1024;

    public long BlobRequests => BlobRequestsByMethod.Values.Sum();

    public long ManifestRequests => ManifestRequestsByMethod.Values.Sum();

    /// <summary>Requests per GiB of produced payload.</summary>
    public double PerGib(long requests) => requests / (BytesWritten / Gib);

    /// <summary>
    /// Requests per GiB of payload in the uploaded segments: the active segment is never uploaded,
    /// so with large segments this is the fairer rate.
    /// </summary>
    public double PerGibUploaded(long requests) =>
        RecordsUploaded == 0 ? double.NaN : requests / (BytesWritten * ((double)RecordsUploaded / Records) / Gib);
}
