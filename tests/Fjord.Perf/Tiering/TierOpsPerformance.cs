using System.Diagnostics;
using System.Globalization;
using Azure.Data.Tables;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Fjord.Perf.Cluster;
using Fjord.Testing;

namespace Fjord.Perf.Tiering;

/// <summary>
/// One broker (a child process) on its own Azurite whose tiering clients reach Blob and Table storage
/// through counting <see cref="TcpProxy"/>s, so every request the tier sends is counted on the wire,
/// retries included, without any hook in the broker. The cluster metadata goes to Azurite directly
/// and is not counted. Produces the configured volume into one tiered partition, then waits until
/// every closed segment is uploaded: local retention is one byte, and it only deletes uploaded
/// segments, so "only the active segment left on disk" means "everything else is in Blob storage".
/// A tool for the numbers issue 5 asks to report, not a test.
/// </summary>
internal sealed class TierOpsPerformance(TierOpsOptions options, string brokerDll)
{
    private const string Topic = "tier-ops";
    private const string ManifestTable = "fjordremotelog";
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    public async Task<TierOpsSummary> RunAsync(CancellationToken cancellation)
    {
        var azuriteDir = NewTempDir("fjord-tier-ops-azurite");
        try
        {
            // On disk, not in memory: a GiB of blobs would otherwise sit in Azurite's heap.
            await using var azurite = await AzuriteHost.StartAsync(AzuriteOptions.AtLocation(azuriteDir)).ConfigureAwait(false);
            await using var blobProxy = TcpProxy.Start(azurite.BlobPort, countHttpRequests: true);
            await using var tableProxy = TcpProxy.Start(azurite.TablePort, countHttpRequests: true);
            var tiering = azurite.ConnectionString
                .Replace(Endpoint(azurite.BlobPort), Endpoint(blobProxy.Port), StringComparison.Ordinal)
                .Replace(Endpoint(azurite.TablePort), Endpoint(tableProxy.Port), StringComparison.Ordinal);
            var settings = new Dictionary<string, string>
            {
                ["fjord.tiering.connection.string"] = tiering,
                ["fjord.tiering.table"] = ManifestTable,
                ["offsets.topic.replication.factor"] = "1",
                // Rounds often enough that waiting for the last upload does not dominate the run; a
                // round with nothing to copy sends no Blob request.
                ["remote.log.manager.task.interval.ms"] = "1000",
                ["fjord.log.level"] = "Warning",
            };
            Console.Error.WriteLine("starting Azurite and a broker");
            await using var cluster = await FjordTestCluster.StartAsync(new FjordTestClusterOptions
            {
                Hosting = BrokerHosting.ChildProcess,
                Azurite = azurite,
                EntryDll = brokerDll,
                StartTimeout = options.Timeout,
                Settings = settings,
            }).ConfigureAwait(false);
            var broker = cluster[0];
            await CreateTopicAsync(broker.BootstrapServers).ConfigureAwait(false);

            var records = options.SizeMiB * 1024L * 1024 / options.RecordSize;
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"producing {records} records of {options.RecordSize} bytes"));
            var produce = Stopwatch.StartNew();
            Produce(broker.BootstrapServers, records, cancellation);
            produce.Stop();

            var partitionDir = Path.Combine(broker.LogDir, Topic + "-0");
            var wait = Stopwatch.StartNew();
            long activeBase;
            while (true)
            {
                cancellation.ThrowIfCancellationRequested();
                var logs = Directory.GetFiles(partitionDir, "*.log");
                if (logs.Length == 1)
                {
                    // The active segment's file is named by its base offset: every record below it is uploaded.
                    activeBase = long.Parse(Path.GetFileNameWithoutExtension(logs[0]), CultureInfo.InvariantCulture);
                    break;
                }
                if (wait.Elapsed > options.Timeout)
                    throw new TimeoutException($"{logs.Length - 1} closed segments still on local disk after {options.Timeout.TotalSeconds:0} s");
                await Task.Delay(PollInterval, cancellation).ConfigureAwait(false);
            }

            wait.Stop();
            var uploaded = await CountManifestRowsAsync(azurite.ConnectionString, cancellation).ConfigureAwait(false);
            return new TierOpsSummary(
                BytesWritten: records * options.RecordSize,
                Records: records,
                RecordsUploaded: activeBase,
                SegmentBytes: options.SegmentBytes,
                SegmentsUploaded: uploaded,
                ProduceSeconds: produce.Elapsed.TotalSeconds,
                UploadWaitSeconds: wait.Elapsed.TotalSeconds,
                BlobRequestsByMethod: ByMethod(blobProxy.HttpRequestsByKind),
                BlobRequestsByFile: ByFile(blobProxy.HttpRequestsByKind),
                ManifestRequestsByMethod: ByMethod(tableProxy.HttpRequestsByKind));
        }
        finally
        {
            DeleteQuietly(azuriteDir);
        }
    }

    /// <summary>Manifest rows (one per uploaded segment: nothing is deleted), read directly so the count costs nothing counted.</summary>
    private static async Task<int> CountManifestRowsAsync(string connectionString, CancellationToken cancellation)
    {
        var table = new TableClient(connectionString, ManifestTable);
        var rows = 0;
        await foreach (var _ in table.QueryAsync<TableEntity>(select: ["PartitionKey"], cancellationToken: cancellation).ConfigureAwait(false))
            rows++;
        return rows;
    }

    private async Task CreateTopicAsync(string bootstrap)
    {
        using var admin = new AdminClientBuilder(TopicAdmin.AdminConfig(bootstrap, options.Timeout)).SetLogHandler(ClientLogging.Write).Build();
        await admin.CreateTopicsAsync([new TopicSpecification
        {
            Name = Topic, NumPartitions = 1, ReplicationFactor = 1,
            Configs = new()
            {
                ["remote.storage.enable"] = "true",
                ["segment.bytes"] = options.SegmentBytes.ToString(CultureInfo.InvariantCulture),
                ["local.retention.bytes"] = "1",
                ["retention.ms"] = "-1",
            },
        }]).ConfigureAwait(false);
    }

    private void Produce(string bootstrap, long records, CancellationToken cancellation)
    {
        var config = ClientLogging.Configure(new ProducerConfig
        {
            BootstrapServers = bootstrap,
            ClientId = "fjord-perf-tier-ops",
            Acks = Acks.All,
            LingerMs = 5,
            BatchSize = 1_000_000,
            MessageTimeoutMs = (int)options.Timeout.TotalMilliseconds,
        });
        using var producer = new ProducerBuilder<Null, byte[]>(config).SetLogHandler(ClientLogging.Write).Build();
        var value = new byte[options.RecordSize];
        Random.Shared.NextBytes(value);
        long failed = 0;
        string? firstError = null;
        for (long i = 0; i < records && !cancellation.IsCancellationRequested; i++)
        {
            while (true)
            {
                try
                {
                    producer.Produce(Topic, new Message<Null, byte[]> { Value = value }, r =>
                    {
                        if (!r.Error.IsError) return;
                        Interlocked.Increment(ref failed);
                        Interlocked.CompareExchange(ref firstError, r.Error.ToString(), null);
                    });
                    break;
                }
                catch (ProduceException<Null, byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
                {
                    producer.Poll(TimeSpan.FromMilliseconds(50));
                }
            }
        }

        if (producer.Flush(options.Timeout) != 0)
            throw new TimeoutException("the producer did not flush in time");
        if (Interlocked.Read(ref failed) > 0)
            throw new InvalidOperationException($"{failed} records failed, the first with {firstError}");
    }

    /// <summary>Request kinds ("PUT /account/container/blob") summed by method; kinds past the proxy's cap arrive as "other".</summary>
    private static Dictionary<string, long> ByMethod(IReadOnlyDictionary<string, long> kinds) =>
        kinds.GroupBy(kv => kv.Key.Split(' ')[0], StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Sum(kv => kv.Value), StringComparer.Ordinal);

    /// <summary>Blob request kinds by method and file type ("PUT log"), which shows the per-segment and per-block costs apart.</summary>
    private static Dictionary<string, long> ByFile(IReadOnlyDictionary<string, long> kinds) =>
        kinds.GroupBy(kv => FileKind(kv.Key), StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Sum(kv => kv.Value), StringComparer.Ordinal);

    private static string FileKind(string kind)
    {
        var parts = kind.Split(' ');
        if (parts.Length < 2)
            return kind;
        var name = parts[1][(parts[1].LastIndexOf('/') + 1)..];
        var dot = name.IndexOf('.', StringComparison.Ordinal);
        return parts[0] + " " + (dot < 0 ? "(no file)" : name[(dot + 1)..]);
    }

    private static string Endpoint(int port) => $"127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/";

    private static string NewTempDir(string prefix)
    {
        var dir = Path.Combine(Path.GetTempPath(), prefix + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        return dir;
    }

    private static void DeleteQuietly(string dir)
    {
        try
        {
            Directory.Delete(dir, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }
}
