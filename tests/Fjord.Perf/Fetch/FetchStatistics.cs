using System.Text.Json;

namespace Fjord.Perf.Fetch;

/// <summary>
/// Reads librdkafka's statistics JSON (statistics.interval.ms): the client clock <c>ts</c> (µs)
/// and the Fetch requests sent, summed over every broker connection (<c>brokers.*.req.Fetch</c>).
/// </summary>
internal static class FetchStatistics
{
    public static (long ClientMicros, long FetchRequests) Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var micros = root.GetProperty("ts").GetInt64();
        long fetches = 0;
        if (root.TryGetProperty("brokers", out var brokers))
        {
            foreach (var broker in brokers.EnumerateObject())
            {
                if (broker.Value.TryGetProperty("req", out var requests) && requests.TryGetProperty("Fetch", out var fetch))
                    fetches += fetch.GetInt64();
            }
        }

        return (micros, fetches);
    }
}
