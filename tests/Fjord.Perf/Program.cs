using Confluent.Kafka;
using Fjord.Perf.Cli;
using Fjord.Perf.Cluster;
using Fjord.Perf.Consume;
using Fjord.Perf.Failover;
using Fjord.Perf.Fetch;
using Fjord.Perf.Groups;
using Fjord.Perf.Latency;
using Fjord.Perf.NoisyNeighbour;
using Fjord.Perf.Produce;
using Fjord.Perf.Reporting;
using Fjord.Perf.Suite;

namespace Fjord.Perf;

/// <summary>Entry point: <c>produce</c>, <c>consume</c>, <c>fetch-many</c>, <c>e2e-latency</c>, <c>suite</c>, <c>commit</c>, <c>rebalance</c>, <c>failover</c>, <c>noisy-neighbour</c> or <c>tier-ops</c>; exit 0 ok, 1 run failed, 2 bad command line.</summary>
internal static class Program
{
    private const string Usage = """
        usage:
          fjord-perf produce (--bootstrap HOST:PORT | --mock) --topic T [--partitions 1] [--record-size 100]
                             [--num-records 1000000] [--acks 0|1|all] [--compression none|gzip|snappy|lz4|zstd]
                             [--linger-ms 5] [--batch-size 1000000] [--throughput -1] [--create-topic]
                             [--replication-factor 1] [--timeout-sec 30] [--broker-pid PID] [--json]
          fjord-perf consume (--bootstrap HOST:PORT | --mock) --topic T [--num-records 1000000] [--group G]
                             [--fetch-max-bytes 52428800] [--timeout-sec 30] [--broker-pid PID] [--json]
          fjord-perf fetch-many (--bootstrap HOST:PORT | --mock) --topic T [--partitions 1000] [--rounds 300]
                             [--warmup-rounds 10] [--record-size 100] [--fetch-wait-max-ms 500] [--create-topic]
                             [--replication-factor 1] [--timeout-sec 60] [--broker-pid PID] [--json]
          fjord-perf e2e-latency (--bootstrap HOST:PORT | --mock) --topic T [--num-records 2000] [--rate 200]
                             [--warmup-records 100] [--record-size 100] [--fetch-wait-max-ms 500] [--create-topic]
                             [--replication-factor 1] [--timeout-sec 30] [--json]
          fjord-perf suite   (--bootstrap HOST:PORT | --mock) [--broker-pid PID] [--num-records 200000]
                             [--output results.md] [--batch-size 1000000] [--linger-ms 5]
                             [--replication-factor 1] [--timeout-sec 30] [--json]
          fjord-perf commit  (--bootstrap HOST:PORT | --mock) --topic T [--partitions 1] [--num-commits 2000]
                             [--group G] [--create-topic] [--replication-factor 1] [--timeout-sec 30] [--json]
          fjord-perf rebalance (--bootstrap HOST:PORT | --mock) --topic T [--partitions 6] [--members 3]
                             [--rounds 5] [--group G] [--create-topic] [--replication-factor 1]
                             [--timeout-sec 60] [--json]
        """ + "\n" + FailoverCommand.Usage + "\n" + NoisyNeighbourCommand.Usage + "\n" + """
        Every command takes --command-config FILE (or --producer.config / --consumer.config): client
        properties in librdkafka names (security.protocol, sasl.mechanism, sasl.username, sasl.password,
        ssl.ca.location, ...) given to every client, e.g. to connect over SASL_SSL.
        Progress goes to stderr, results to stdout. --mock starts librdkafka's in-process mock cluster,
        which lives for one command: a separate `consume --mock` sees an empty cluster (use suite).
        FJORD_PERF_DEBUG=<librdkafka debug contexts> turns on librdkafka's debug log (stderr).
        """;

    public static int Main(string[] args)
    {
        using var cancellation = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancellation.Cancel();
        };

        try
        {
            if (args.Length == 0 || args[0] is "help" or "--help" or "-h")
            {
                Console.Error.WriteLine(Usage);
                return args.Length == 0 ? 2 : 0;
            }

            var reader = new ArgumentReader(args.Skip(1));
            return args[0] switch
            {
                "produce" => RunProduce(reader, cancellation.Token),
                "consume" => RunConsume(reader, cancellation.Token),
                "suite" => RunSuite(reader, cancellation.Token),
                "fetch-many" => RunFetchMany(reader, cancellation.Token),
                "e2e-latency" => RunE2eLatency(reader, cancellation.Token),
                "commit" => RunCommit(reader, cancellation.Token),
                "rebalance" => RunRebalance(reader, cancellation.Token),
                "failover" => FailoverCommand.Run(reader, cancellation.Token),
                "noisy-neighbour" => NoisyNeighbourCommand.Run(reader, cancellation.Token),
                FloodCommand.Name => FloodCommand.Run(reader, cancellation.Token),
                "tier-ops" => Fjord.Perf.Tiering.TierOpsCommand.Run(reader, cancellation.Token),
                _ => throw new UsageException($"unknown command '{args[0]}'"),
            };
        }
        catch (UsageException ex)
        {
            Console.Error.WriteLine($"error: {ex.Message}");
            Console.Error.WriteLine(Usage);
            return 2;
        }
        catch (Exception ex) when (ex is BrokerUnreachableException or KafkaException or InvalidOperationException or TimeoutException or IOException)
        {
            Console.Error.WriteLine($"error: {ex.Message}");
            return 1;
        }
    }

    private static int RunProduce(ArgumentReader reader, CancellationToken cancellation)
    {
        var target = ClusterTarget.Read(reader);
        var options = ProduceOptions.Read(reader);
        var json = reader.Flag("json");
        reader.EnsureAllConsumed();
        if (options.BrokerPid is { } pid)
            ProcessCpuSampler.EnsureReadable(pid);

        using var cluster = target.Connect(ClusterTarget.ConnectTimeout(options.Timeout));
        var summary = new ProducerPerformance(options, cluster).Run(cancellation);
        ResultWriter.Write(summary, json);
        return summary.Failed == 0 ? 0 : 1;
    }

    private static int RunConsume(ArgumentReader reader, CancellationToken cancellation)
    {
        var target = ClusterTarget.Read(reader);
        var options = ConsumeOptions.Read(reader);
        var json = reader.Flag("json");
        reader.EnsureAllConsumed();
        if (options.BrokerPid is { } pid)
            ProcessCpuSampler.EnsureReadable(pid);

        using var cluster = target.Connect(ClusterTarget.ConnectTimeout(options.Timeout));
        var summary = new ConsumerPerformance(options, cluster.BootstrapServers).Run(cancellation);
        ResultWriter.Write(summary, json);
        return summary.Records == summary.Expected ? 0 : 1;
    }

    private static int RunFetchMany(ArgumentReader reader, CancellationToken cancellation)
    {
        var target = ClusterTarget.Read(reader);
        var options = FetchManyOptions.Read(reader);
        var json = reader.Flag("json");
        reader.EnsureAllConsumed();
        if (options.BrokerPid is { } pid)
            ProcessCpuSampler.EnsureReadable(pid);

        using var cluster = target.Connect(ClusterTarget.ConnectTimeout(options.Timeout));
        var summary = new FetchManyPerformance(options, cluster).Run(cancellation);
        ResultWriter.Write(summary, json);
        return 0;
    }

    private static int RunE2eLatency(ArgumentReader reader, CancellationToken cancellation)
    {
        var target = ClusterTarget.Read(reader);
        var options = E2eLatencyOptions.Read(reader);
        var json = reader.Flag("json");
        reader.EnsureAllConsumed();

        using var cluster = target.Connect(ClusterTarget.ConnectTimeout(options.Timeout));
        var summary = new E2eLatencyPerformance(options, cluster).Run(cancellation);
        ResultWriter.Write(summary, json);
        return summary.Missing == 0 ? 0 : 1;
    }

    private static int RunCommit(ArgumentReader reader, CancellationToken cancellation)
    {
        var target = ClusterTarget.Read(reader);
        var options = CommitOptions.Read(reader);
        var json = reader.Flag("json");
        reader.EnsureAllConsumed();

        using var cluster = target.Connect(ClusterTarget.ConnectTimeout(options.Timeout));
        var summary = new CommitPerformance(options, cluster).Run(cancellation);
        ResultWriter.Write(summary, json);
        return summary.Failed == 0 ? 0 : 1;
    }

    private static int RunRebalance(ArgumentReader reader, CancellationToken cancellation)
    {
        var target = ClusterTarget.Read(reader);
        var options = RebalanceOptions.Read(reader);
        var json = reader.Flag("json");
        reader.EnsureAllConsumed();

        using var cluster = target.Connect(ClusterTarget.ConnectTimeout(options.Timeout));
        var summary = new RebalancePerformance(options, cluster).Run(cancellation);
        ResultWriter.Write(summary, json);
        return summary.Rounds.Count == options.Rounds ? 0 : 1;
    }

    private static int RunSuite(ArgumentReader reader, CancellationToken cancellation)
    {
        var target = ClusterTarget.Read(reader);
        var options = SuiteOptions.Read(reader);
        var json = reader.Flag("json");
        reader.EnsureAllConsumed();

        var startedAt = DateTimeOffset.UtcNow;
        using var cluster = target.Connect(ClusterTarget.ConnectTimeout(options.Timeout));
        var rows = new PerfSuite(options, cluster).Run(json, cancellation);

        var targetName = cluster.IsMock ? "librdkafka mock cluster" : cluster.BootstrapServers;
        var markdown = MarkdownReport.Render(rows, targetName, options.NumRecords, startedAt);
        Console.WriteLine();
        Console.WriteLine(markdown);
        if (options.Output is not null)
            File.WriteAllText(options.Output, markdown);
        if (json)
            ResultWriter.WriteJson("suite", rows);

        var complete = rows.Count == SuiteCase.Matrix().Count()
            && rows.All(r => r.Produce.Failed == 0 && r.Consume.Records == r.Consume.Expected);
        return complete ? 0 : 1;
    }
}
