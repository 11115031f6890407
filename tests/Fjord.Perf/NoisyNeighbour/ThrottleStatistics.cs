using System.Text.Json;

namespace Fjord.Perf.NoisyNeighbour;

/// <summary>
/// The throttling a client saw, from librdkafka's statistics JSON: per broker connection, <c>throttle</c> is a
/// window (reset at every statistics event) of the throttle_time_ms values the broker returned: <c>cnt</c> values,
/// their <c>sum</c> and <c>max</c> in ms. Summed over the connections of one event.
/// </summary>
internal static class ThrottleStatistics
{
    public static ThrottleWindow Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        long count = 0, sumMs = 0, maxMs = 0;
        if (document.RootElement.TryGetProperty("brokers", out var brokers))
        {
            foreach (var broker in brokers.EnumerateObject())
            {
                if (!broker.Value.TryGetProperty("throttle", out var throttle))
                    continue;
                var cnt = Long(throttle, "cnt");
                if (cnt <= 0)
                    continue;
                count += cnt;
                sumMs += Long(throttle, "sum");
                maxMs = Math.Max(maxMs, Long(throttle, "max"));
            }
        }

        return new ThrottleWindow(count, sumMs, maxMs);
    }

    private static long Long(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetInt64() : 0;
}
