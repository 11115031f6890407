using System.Globalization;
using System.Text.Json;
using Fjord.Perf.Cli;
using Fjord.Testing;

namespace Fjord.Perf.Failover;

/// <summary><c>fjord-perf failover</c>: failover time and idle Table storage cost of a local cluster.</summary>
internal static class FailoverCommand
{
    public const string Usage = """
          fjord-perf failover [--brokers 3] [--knobs default|fast|both] [--victim leader|controller|both] [--idle-sec 60]
                             [--broker-dll PATH] [--timeout-sec 60] [--json]
                             (starts its own Azurite and brokers; build the broker in Release first)
        """;

    public static int Run(ArgumentReader reader, CancellationToken cancellation)
    {
        var options = FailoverOptions.Read(reader);
        var json = reader.Flag("json");
        reader.EnsureAllConsumed();

        var dll = options.BrokerDll ?? Path.Combine(RepositoryRoot.Find(), "broker", "src", "Fjord.Broker", "bin", "Release", "net10.0", "Fjord.Broker.dll");
        if (!File.Exists(dll))
            throw new UsageException($"no broker at {dll}: build it (dotnet build broker/src/Fjord.Broker -c Release) or pass --broker-dll");

        new FailoverPerformance(options, dll).RunAsync(s => Print(s, json), cancellation).GetAwaiter().GetResult();
        return 0;
    }

    private static void Print(FailoverSummary s, bool json)
    {
        var idle = s.IdleSeconds == 0 ? "" : "; idle Table storage requests/min " + string.Create(CultureInfo.InvariantCulture, $"({s.IdleSeconds} s): ")
            + string.Join(", ", s.IdleRequestsPerMinute.Select((r, node) => string.Create(CultureInfo.InvariantCulture, $"broker {node}: {r:0}")));
        var controller = s.Controller.ToString(CultureInfo.InvariantCulture) + (s.KilledTheController ? " (the killed leader was the controller)" : "");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"knobs={s.Knobs}: kill of leader {s.KilledLeader} -> first acks=all ack on new leader {s.NewLeader} after {s.KillToFirstAckMs / 1000:0.00} s " +
            $"(new leader in metadata after {s.KillToNewLeaderInMetadataMs / 1000:0.00} s); controller {controller}{idle}"));
        for (var node = 0; node < s.IdleRequestsPerMinuteByKind.Count && s.IdleSeconds > 0; node++)
        {
            var kinds = s.IdleRequestsPerMinuteByKind[node].Take(8).Select(k => string.Create(CultureInfo.InvariantCulture, $"{k.Value:0}/min {k.Key}"));
            Console.WriteLine($"  broker {node} idle requests: {string.Join("; ", kinds)}");
        }

        if (s.Settings.Count > 0)
            Console.WriteLine($"  settings: {string.Join(' ', s.Settings.Select(kv => $"{kv.Key}={kv.Value}"))}");
        if (json)
            Console.WriteLine(JsonSerializer.Serialize(new { type = "failover", result = s }));
        Console.Out.Flush();
    }
}
