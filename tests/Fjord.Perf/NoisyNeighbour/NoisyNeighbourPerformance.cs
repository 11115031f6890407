using System.Diagnostics;
using Confluent.Kafka;
using Fjord.Perf.Suite;

namespace Fjord.Perf.NoisyNeighbour;

/// <summary>
/// Tenant B produces steadily at a share of the broker's capacity while tenant A, held to a tenant quota, tries to
/// send several times that quota; B's produce latency with A is compared with B's alone, on the same broker in the
/// same run. Steps: start the broker and both tenants; measure the capacity with B's own workload (as fast as it
/// goes); set A's tenant producer_byte_rate to a share of it and see A throttled; start B at its steady rate, then
/// alternate "B alone" and "B with A" windows for the rounds, each after a settling time (A starts at the beginning of
/// its settling time, so its first burst, before its quota's window fills, is not measured). B keeps one producer
/// and connection throughout; its records are attributed to the window they were sent in.
/// </summary>
internal sealed class NoisyNeighbourPerformance(NoisyNeighbourOptions options, string brokerDll)
{
    private const string SteadyTenant = "tenant-b";
    private const string NoisyTenant = "tenant-a";
    private const string SteadyTopic = "steady";
    private const string NoisyTopic = "flood";
    private const int CapacityWarmUpSec = 2;

    public async Task<NoisyNeighbourSummary> RunAsync(CancellationToken cancellation)
    {
        Console.Error.WriteLine("starting Azurite and a broker with a SASL_SSL listener, SCRAM and ACLs");
        await using var broker = await TenantBroker.StartAsync(brokerDll, options.Timeout).ConfigureAwait(false);
        var steady = await broker.CreateTenantAsync(SteadyTenant, cancellation).ConfigureAwait(false);
        var noisy = await broker.CreateTenantAsync(NoisyTenant, cancellation).ConfigureAwait(false);
        await broker.CreateTopicAsync(steady, SteadyTopic, options.Partitions).ConfigureAwait(false);
        await broker.CreateTopicAsync(noisy, NoisyTopic, options.Partitions).ConfigureAwait(false);
        Console.Error.WriteLine($"tenants {SteadyTenant} (B, topic {SteadyTopic}) and {NoisyTenant} (A, topic {NoisyTopic}) ready; broker pid {broker.BrokerPid}");

        var steadyConfig = SteadyConfig(broker.ProducerConfig(steady));
        var capacity = MeasureCapacity(steadyConfig, cancellation);
        var quotaBytesPerSec = capacity * options.RecordSize * options.QuotaSharePercent / 100.0;
        var steadyRate = capacity * options.SteadySharePercent / 100.0;
        var noisyRate = quotaBytesPerSec * options.Overdrive / options.RecordSize;
        Console.Error.WriteLine($"capacity {capacity:0} records/s; B at {steadyRate:0} records/s ({options.SteadySharePercent}%); " +
            $"A's tenant quota {quotaBytesPerSec / 1048576:0.00} MB/s ({options.QuotaSharePercent}%), A tries {noisyRate:0} records/s ({options.Overdrive}x)");

        await broker.SetTenantProducerByteRateAsync(NoisyTenant, quotaBytesPerSec, cancellation).ConfigureAwait(false);
        var noisyConfig = NoisyConfig(broker.ProducerConfig(noisy), quotaBytesPerSec);
        var quotaInForceAfter = AwaitThrottling(noisyConfig, noisyRate, cancellation);
        Console.Error.WriteLine($"A was throttled {quotaInForceAfter:0.0} s after it started: the quota is in force");

        var phases = RunPhases(broker.BrokerPid, steadyConfig, steadyRate, noisyConfig, noisyRate, quotaBytesPerSec, cancellation, out var steadyError);
        return NoisyNeighbourSummary.Create(capacity, options.RecordSize, steadyRate, quotaBytesPerSec, options.Overdrive, quotaInForceAfter, phases,
            options.TargetRatio, steadyError);
    }

    /// <summary>B's workload as fast as the broker takes it: records/s delivered over the capacity window, after a warm-up.</summary>
    private double MeasureCapacity(ProducerConfig config, CancellationToken cancellation)
    {
        Console.Error.WriteLine($"measuring capacity: B produces as fast as it can for {CapacityWarmUpSec} + {options.CapacitySec} s");
        using var producer = new SteadyProducer(config, SteadyTopic, options.Partitions, options.RecordSize, recordsPerSec: 0, maxRecords: 1);
        producer.Start();
        Wait(TimeSpan.FromSeconds(CapacityWarmUpSec), cancellation);
        var start = (Delivered: producer.Delivered, At: Stopwatch.GetTimestamp());
        Wait(TimeSpan.FromSeconds(options.CapacitySec), cancellation);
        var end = (Delivered: producer.Delivered, At: Stopwatch.GetTimestamp());
        producer.Stop(options.Timeout);
        if (producer.Failed > 0)
            throw new InvalidOperationException($"the capacity run lost {producer.Failed} records: {producer.FirstError}");
        var rate = (end.Delivered - start.Delivered) / Reporting.Units.TicksToSec(end.At - start.At);
        if (rate <= 0)
            throw new InvalidOperationException("the capacity run delivered nothing");
        return rate;
    }

    /// <summary>Runs A until its client sees a throttle: proof the tenant quota reached the broker (it polls the quota table).</summary>
    private double AwaitThrottling(ProducerConfig config, double rate, CancellationToken cancellation)
    {
        using var flood = NoisyTenantClient(config, rate);
        var clock = Stopwatch.StartNew();
        flood.Start();
        while (flood.Snapshot().Throttle.Count == 0)
        {
            if (clock.Elapsed > options.Timeout)
                throw new TimeoutException($"tenant A was never throttled within {options.Timeout.TotalSeconds:0} s: is the tenant quota applied? {flood.FirstError}");
            Wait(TimeSpan.FromMilliseconds(100), cancellation);
        }

        return clock.Elapsed.TotalSeconds;
    }

    private List<NoisyPhase> RunPhases(int brokerPid, ProducerConfig steadyConfig, double steadyRate, ProducerConfig noisyConfig, double noisyRate,
        double quotaBytesPerSec, CancellationToken cancellation, out string? steadyError)
    {
        var plannedSec = options.SettleSec + (options.Rounds * 2 * (options.SettleSec + options.DurationSec));
        // Room for the whole plan and then some: a loop that runs out stops sending, and the run says so.
        var slots = (int)Math.Min(int.MaxValue - 1, Math.Ceiling(steadyRate * (plannedSec + 60) * 1.1));
        var windows = new List<(int Round, bool WithNoisy, byte Phase, double Sec, double BrokerCores, double ToolCores, double MachineCores, FloodWindow? Noisy)>();
        using var producer = new SteadyProducer(steadyConfig, SteadyTopic, options.Partitions, options.RecordSize, steadyRate, slots);
        producer.Start();
        Console.Error.WriteLine($"B produces {steadyRate:0} records/s; settling {options.SettleSec} s");
        Wait(TimeSpan.FromSeconds(options.SettleSec), cancellation);

        byte phase = 0;
        for (var round = 1; round <= options.Rounds; round++)
        {
            foreach (var withNoisy in new[] { false, true })
            {
                phase++;
                using var flood = withNoisy ? NoisyTenantClient(noisyConfig, noisyRate) : null;
                flood?.Start();
                Wait(TimeSpan.FromSeconds(options.SettleSec), cancellation);

                var floodStart = flood?.Snapshot();
                var brokerStart = ProcessCpuSampler.Sample(brokerPid);
                var toolStart = ClientCpuSec(flood);
                var machineStart = MachineCpu.Read();
                var started = Stopwatch.GetTimestamp();
                producer.Phase = phase;
                Wait(TimeSpan.FromSeconds(options.DurationSec), cancellation);
                producer.Phase = 0;
                var seconds = Reporting.Units.TicksToSec(Stopwatch.GetTimestamp() - started);
                var brokerCores = (ProcessCpuSampler.Sample(brokerPid).TotalSec - brokerStart.TotalSec) / seconds;
                var toolCores = (ClientCpuSec(flood) - toolStart) / seconds;
                var machineCores = MachineCpu.CoresBetween(machineStart, MachineCpu.Read(), Environment.ProcessorCount);
                var noisyWindow = flood is null ? null : FloodWindow.Between(floodStart!.Value, flood.Snapshot(), options.RecordSize, quotaBytesPerSec);
                windows.Add((round, withNoisy, phase, seconds, brokerCores, toolCores, machineCores, noisyWindow));
                var a = noisyWindow is null ? "" : $"; A delivered {noisyWindow.DeliveredMbPerSec:0.00} MB/s of {noisyWindow.QuotaMbPerSec:0.00} quota, {noisyWindow.ThrottledResponses} throttled responses";
                Console.Error.WriteLine($"round {round} {(withNoisy ? "B with A" : "B alone")}: {seconds:0.0} s, broker {brokerCores:0.00} cores, tool {toolCores:0.00} cores, machine {machineCores:0.00} of {Environment.ProcessorCount} cores busy{a}");
            }
        }

        producer.Stop(options.Timeout);
        if (producer.RanOutOfSlots)
            Console.Error.WriteLine("warning: B ran out of latency slots and stopped sending early");
        steadyError = producer.FirstError;
        return windows.Select(w =>
        {
            var latency = producer.Summarize(w.Phase);
            return new NoisyPhase(w.Round, w.WithNoisy, w.Sec, latency, latency.Sent / w.Sec, w.Noisy, w.BrokerCores, w.ToolCores, w.MachineCores);
        }).ToList();
    }

    private INoisyTenant NoisyTenantClient(ProducerConfig config, double rate) => options.NoisyInProcess
        ? new FloodProducer(config, NoisyTopic, options.Partitions, options.RecordSize, rate)
        : new FloodProcess(config, NoisyTopic, options.Partitions, options.RecordSize, rate);

    /// <summary>CPU seconds of both tenants' clients: this tool, and A's process when it has one of its own.</summary>
    private static double ClientCpuSec(INoisyTenant? flood)
    {
        var own = ProcessCpuSampler.Sample(Environment.ProcessId).TotalSec;
        return flood is null || flood.ProcessId == Environment.ProcessId ? own : own + ProcessCpuSampler.Sample(flood.ProcessId).TotalSec;
    }

    /// <summary>B's workload: acks=all, the tool's linger, and the settings every produce run of this tool uses.</summary>
    private ProducerConfig SteadyConfig(ProducerConfig connection) => new(connection)
    {
        ClientId = "fjord-perf-steady",
        Acks = Acks.All,
        EnableIdempotence = false,
        LingerMs = options.LingerMs,
        BatchSize = 1_000_000,
        MessageTimeoutMs = (int)options.Timeout.TotalMilliseconds,
        DeliveryReportFields = "none",
    };

    /// <summary>
    /// A's workload: B's shape, a statistics event every second for the throttle times, and a queue of about one
    /// second of its quota so the records it is refused are dropped at once rather than piling up.
    /// </summary>
    private ProducerConfig NoisyConfig(ProducerConfig connection, double quotaBytesPerSec) => new(connection)
    {
        ClientId = "fjord-perf-noisy",
        Acks = Acks.All,
        EnableIdempotence = false,
        LingerMs = options.LingerMs,
        BatchSize = options.NoisyBatchSize,
        MessageTimeoutMs = (int)options.Timeout.TotalMilliseconds,
        QueueBufferingMaxKbytes = (int)Math.Max(1024, quotaBytesPerSec / 1024),
        StatisticsIntervalMs = 1000,
        DeliveryReportFields = "none",
    };

    // Timing a phase, not waiting for a state: the windows are what is measured.
    private static void Wait(TimeSpan duration, CancellationToken cancellation)
    {
        if (cancellation.WaitHandle.WaitOne(duration))
            throw new OperationCanceledException(cancellation);
    }
}
