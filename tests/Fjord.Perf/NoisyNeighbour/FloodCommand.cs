using System.Globalization;
using System.Text.Json;
using Confluent.Kafka;
using Fjord.Perf.Cli;

namespace Fjord.Perf.NoisyNeighbour;

/// <summary>
/// <c>fjord-perf noisy-flood</c>: tenant A's flood in a process of its own, started by noisy-neighbour (not meant to be run
/// by hand). It prints "started" once its producer exists, answers each "snapshot" line on stdin with a
/// <see cref="FloodSnapshotLine"/>, and stops (dropping what is queued) when stdin closes.
/// </summary>
internal static class FloodCommand
{
    public const string Name = "noisy-flood";
    public const string StartedLine = "started";
    public const string SnapshotRequest = "snapshot";

    public static int Run(ArgumentReader reader, CancellationToken cancellation)
    {
        var configPath = reader.RequiredString("config");
        var topic = reader.RequiredString("topic");
        var partitions = reader.Int("partitions", 4, min: 1);
        var recordSize = reader.Int("record-size", 1024, min: 1);
        var rateText = reader.RequiredString("rate");
        reader.EnsureAllConsumed();
        if (!double.TryParse(rateText, NumberStyles.Float, CultureInfo.InvariantCulture, out var rate) || rate <= 0)
            throw new UsageException($"--rate must be a positive number of records/s (got '{rateText}')");
        var settings = JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(configPath))
            ?? throw new UsageException($"--config {configPath}: expected a JSON object of client settings");

        using var flood = new FloodProducer(new ProducerConfig(settings), topic, partitions, recordSize, rate);
        flood.Start();
        Console.Out.WriteLine(StartedLine);
        Console.Out.Flush();
        while (!cancellation.IsCancellationRequested && Console.In.ReadLine() is { } line)
        {
            if (line != SnapshotRequest)
                throw new UsageException($"noisy-flood understands only '{SnapshotRequest}' on stdin (got '{line}')");
            Console.Out.WriteLine(FloodSnapshotLine.From(flood.Snapshot(), flood.FirstError).ToJson());
            Console.Out.Flush();
        }

        return 0;
    }
}
