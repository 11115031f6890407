using System.Globalization;
using System.Text.Json;
using Fjord.Perf.Cli;
using Fjord.Testing;

namespace Fjord.Perf.Tiering;

/// <summary><c>fjord-perf tier-ops</c>: the Blob and manifest requests tiered storage spends per GiB written.</summary>
internal static class TierOpsCommand
{
    public const string Usage = """
          fjord-perf tier-ops [--size-mib 1024] [--record-size 1024] [--segment-bytes 67108864]
                             [--broker-dll PATH] [--timeout-sec 600] [--json]
                             (starts its own Azurite and one broker; build the broker in Release first)
        """;

    public static int Run(ArgumentReader reader, CancellationToken cancellation)
    {
        var options = TierOpsOptions.Read(reader);
        var json = reader.Flag("json");
        reader.EnsureAllConsumed();

        var dll = options.BrokerDll ?? Path.Combine(RepositoryRoot.Find(), "broker", "src", "Fjord.Broker", "bin", "Release", "net10.0", "Fjord.Broker.dll");
        if (!File.Exists(dll))
            throw new UsageException($"no broker at {dll}: build it (dotnet build broker/src/Fjord.Broker -c Release) or pass --broker-dll");

        var summary = new TierOpsPerformance(options, dll).RunAsync(cancellation).GetAwaiter().GetResult();
        Print(summary, json);
        return 0;
    }

    private static void Print(TierOpsSummary s, bool json)
    {
        string PerGib(IReadOnlyDictionary<string, long> byMethod) => string.Join(", ",
            byMethod.OrderByDescending(kv => kv.Value).Select(kv => string.Create(CultureInfo.InvariantCulture, $"{kv.Key} {s.PerGib(kv.Value):0.0}")));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"tier-ops: {s.BytesWritten / (1024.0 * 1024):0} MiB in {s.Records} records, segment.bytes={s.SegmentBytes}, {s.SegmentsUploaded} segments ({s.RecordsUploaded} records) uploaded " +
            $"(produce {s.ProduceSeconds:0.0} s, then {s.UploadWaitSeconds:0.0} s until uploaded)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  Blob requests per GiB written: {s.PerGib(s.BlobRequests):0.0} ({PerGib(s.BlobRequestsByMethod)}); total {s.BlobRequests}; per GiB uploaded {s.PerGibUploaded(s.BlobRequests):0.0}"));
        Console.WriteLine($"  Blob requests per GiB by file: {PerGib(s.BlobRequestsByFile)}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  manifest (Table) requests per GiB written: {s.PerGib(s.ManifestRequests):0.0} ({PerGib(s.ManifestRequestsByMethod)}); total {s.ManifestRequests}; per GiB uploaded {s.PerGibUploaded(s.ManifestRequests):0.0}"));
        if (json)
            Console.WriteLine(JsonSerializer.Serialize(new { type = "tier-ops", result = s }));
        Console.Out.Flush();
    }
}
