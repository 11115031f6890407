namespace Fjord.Log.Compression;

/// <summary>
/// KIP-390's compression.gzip.level, compression.lz4.level and compression.zstd.level, with Kafka's
/// ranges and defaults. They only matter when the broker (re)compresses a batch itself.
/// </summary>
public readonly record struct CompressionLevels(int Gzip, int Lz4, int Zstd)
{
    /// <summary>-1: zlib's own default (6), as java.util.zip.Deflater.DEFAULT_COMPRESSION.</summary>
    public const int GzipDefault = -1;
    public const int GzipMin = 1;
    public const int GzipMax = 9;

    public const int Lz4Default = 9;
    public const int Lz4Min = 1;
    public const int Lz4Max = 17;

    public const int ZstdDefault = 3;
    /// <summary>ZSTD_minCLevel(): -(1 &lt;&lt; 17), zstd's fastest negative level.</summary>
    public const int ZstdMin = -131072;
    public const int ZstdMax = 22;

    public static CompressionLevels Default { get; } = new(GzipDefault, Lz4Default, ZstdDefault);

    public static bool IsValidGzip(int level) => level == GzipDefault || level is >= GzipMin and <= GzipMax;

    public static bool IsValidLz4(int level) => level is >= Lz4Min and <= Lz4Max;

    public static bool IsValidZstd(int level) => level is >= ZstdMin and <= ZstdMax;
}
