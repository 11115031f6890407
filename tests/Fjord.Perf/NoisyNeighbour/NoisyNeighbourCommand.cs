using Fjord.Perf.Cli;
using Fjord.Perf.Reporting;
using Fjord.Testing;

namespace Fjord.Perf.NoisyNeighbour;

/// <summary><c>fjord-perf noisy-neighbour</c>: a tenant's produce latency with a throttled noisy tenant next to it, against alone.</summary>
internal static class NoisyNeighbourCommand
{
    public const string Usage = """
          fjord-perf noisy-neighbour [--duration-sec 30] [--rounds 3] [--settle-sec 5] [--capacity-sec 10]
                             [--steady-share 20] [--quota-share 10] [--overdrive 5] [--record-size 1024] [--partitions 4]
                             [--linger-ms 5] [--noisy-batch-size 1000000] [--target-ratio 1.25] [--broker-dll PATH] [--timeout-sec 60]
                             [--noisy-client process|in-process] [--json]
                             (starts its own Azurite and a SASL_SSL broker with tenants; build the broker in Release first)
        """;

    public static int Run(ArgumentReader reader, CancellationToken cancellation)
    {
        var options = NoisyNeighbourOptions.Read(reader);
        var json = reader.Flag("json");
        reader.EnsureAllConsumed();

        var dll = options.BrokerDll ?? Path.Combine(RepositoryRoot.Find(), "broker", "src", "Fjord.Broker", "bin", "Release", "net10.0", "Fjord.Broker.dll");
        if (!File.Exists(dll))
            throw new UsageException($"no broker at {dll}: build it (dotnet build broker/src/Fjord.Broker -c Release) or pass --broker-dll");

        NoisyNeighbourSummary summary;
        try
        {
            summary = new NoisyNeighbourPerformance(options, dll).RunAsync(cancellation).GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            Console.Error.WriteLine("cancelled");
            return 1;
        }

        Console.WriteLine(NoisyNeighbourReport.Render(summary));
        if (json)
            ResultWriter.WriteJson("noisy-neighbour", summary);
        return summary.TargetMet ? 0 : 1;
    }
}
