using System.Globalization;

namespace Fjord.ControlPlane.Groups;

/// <summary>A topic's retention limits: its own retention.ms and retention.bytes, else Kafka's defaults (7 days, no size limit).</summary>
/// <remarks>A broker whose log.retention.* defaults differ from Kafka's is not seen here: set the configs on the topic to have them forecast.</remarks>
public sealed record RetentionSettings(long RetentionMs, long RetentionBytes)
{
    public const long KafkaDefaultRetentionMs = 7L * 24 * 60 * 60 * 1000;

    public static RetentionSettings From(IReadOnlyDictionary<string, string> configs)
    {
        ArgumentNullException.ThrowIfNull(configs);
        return new RetentionSettings(Long(configs, "retention.ms", KafkaDefaultRetentionMs), Long(configs, "retention.bytes", -1));
    }

    private static long Long(IReadOnlyDictionary<string, string> configs, string name, long fallback) =>
        configs.TryGetValue(name, out var raw) && long.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) ? value : fallback;
}
