using System.Collections.Frozen;
using System.Globalization;

namespace Fjord.Cluster;

/// <summary>
/// Which topic-level configs Fjord accepts and which values each may take, under Kafka's names. The broker's
/// catalog (documentation, defaults) and the control plane both validate with these rules, so a topic made
/// through either is refused for exactly the same reasons.
/// </summary>
public static class TopicConfigRules
{
    /// <summary>Kafka's compression.type values, lower case and exact, in the order its docs list them.</summary>
    public static IReadOnlyList<string> CompressionTypes { get; } = ["uncompressed", "zstd", "lz4", "snappy", "gzip", "producer"];

    // KIP-390's ranges; Fjord.Log's CompressionLevels applies the same ones when the broker compresses.
    private const int GzipDefaultLevel = -1;
    private const int GzipMinLevel = 1;
    private const int GzipMaxLevel = 9;
    private const int Lz4MinLevel = 1;
    private const int Lz4MaxLevel = 17;
    private const int ZstdMinLevel = -131072;
    private const int ZstdMaxLevel = 22;

    /// <summary>Each accepted config's check: null when the value is valid, else what is wrong with it.</summary>
    public static FrozenDictionary<string, Func<string, string?>> ByName { get; } = new Dictionary<string, Func<string, string?>>(StringComparer.Ordinal)
    {
        ["cleanup.policy"] = OneOf("delete"),
        ["compression.type"] = OneOf([.. CompressionTypes]),
        ["compression.gzip.level"] = Level(x => x == GzipDefaultLevel || x is >= GzipMinLevel and <= GzipMaxLevel, "-1 or 1..9"),
        ["compression.lz4.level"] = Level(x => x is >= Lz4MinLevel and <= Lz4MaxLevel, "in 1..17"),
        ["compression.zstd.level"] = Level(x => x is >= ZstdMinLevel and <= ZstdMaxLevel, "in -131072..22"),
        ["delete.retention.ms"] = LongAtLeast(0),
        ["file.delete.delay.ms"] = LongAtLeast(0),
        ["flush.messages"] = LongAtLeast(1),
        ["flush.ms"] = LongAtLeast(0),
        ["index.interval.bytes"] = IntAtLeast(0),
        ["max.message.bytes"] = IntAtLeast(0),
        ["message.timestamp.type"] = OneOf("CreateTime", "LogAppendTime"),
        ["min.insync.replicas"] = IntAtLeast(1),
        ["remote.storage.enable"] = OneOf("true", "false"),
        ["local.retention.ms"] = LongAtLeast(-2),
        ["local.retention.bytes"] = LongAtLeast(-2),
        ["retention.bytes"] = LongAtLeast(-1),
        ["retention.ms"] = LongAtLeast(-1),
        ["segment.bytes"] = IntAtLeast(14),
        ["segment.index.bytes"] = IntAtLeast(4),
        ["segment.ms"] = LongAtLeast(1),
        ["unclean.leader.election.enable"] = OneOf("true", "false"),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>The check of config <paramref name="name"/>; throws for a name the rules do not know.</summary>
    public static Func<string, string?> Of(string name) =>
        ByName.TryGetValue(name, out var check) ? check : throw new ArgumentException($"No rule for topic config {name}", nameof(name));

    /// <returns>null when every entry is a known config with a valid value, else the reason.</returns>
    public static string? Validate(IReadOnlyDictionary<string, string> configs)
    {
        ArgumentNullException.ThrowIfNull(configs);
        foreach (var (name, value) in configs)
        {
            if (!ByName.TryGetValue(name, out var check)) return $"Unknown or unsupported topic config {name}";
            if (check(value) is { } problem) return $"Invalid value {value} for {name}: {problem}";
        }
        return null;
    }

    private static Func<string, string?> LongAtLeast(long min) => v =>
        long.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var x) && x >= min ? null : $"must be an integer ≥ {min}";

    private static Func<string, string?> IntAtLeast(int min) => v =>
        int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var x) && x >= min ? null : $"must be an integer ≥ {min}";

    private static Func<string, string?> OneOf(params string[] allowed) => v =>
        allowed.Contains(v, StringComparer.Ordinal) ? null : $"must be one of {string.Join(", ", allowed)}";

    private static Func<string, string?> Level(Func<int, bool> isValid, string range) => v =>
        int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var x) && isValid(x) ? null : $"must be an integer {range}";
}
