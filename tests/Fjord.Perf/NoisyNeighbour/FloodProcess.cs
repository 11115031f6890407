using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Confluent.Kafka;

namespace Fjord.Perf.NoisyNeighbour;

/// <summary>
/// Tenant A's flood in a child process (<see cref="FloodCommand"/>), as a real noisy tenant is a program of its own: its
/// client's threads, allocations and garbage collections are not B's client's. Both still share this machine's cores with
/// the broker, which is what the benchmark is about. The client settings (A's SCRAM password included) go to the child in a
/// file only this user can read, deleted when the child stops.
/// </summary>
internal sealed class FloodProcess : INoisyTenant
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);

    private readonly ProducerConfig _config;
    private readonly string _topic;
    private readonly int _partitions;
    private readonly int _recordSize;
    private readonly double _recordsPerSec;
    private readonly string _configPath = Path.Combine(Path.GetTempPath(), $"fjord-perf-flood-{Guid.NewGuid():N}.json");
    private readonly Lock _exchange = new();
    private Process? _process;
    private string? _firstError;

    public FloodProcess(ProducerConfig config, string topic, int partitions, int recordSize, double recordsPerSec)
    {
        _config = config;
        _topic = topic;
        _partitions = partitions;
        _recordSize = recordSize;
        _recordsPerSec = recordsPerSec;
    }

    public int ProcessId => _process?.Id ?? throw new InvalidOperationException("the flood process has not started");

    public string? FirstError => Volatile.Read(ref _firstError);

    public void Start()
    {
        WriteConfig();
        // `dotnet Fjord.Perf.dll noisy-flood …`, with the dotnet host this process runs on when it runs on one (a test host does too).
        var host = Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet" ? Environment.ProcessPath! : "dotnet";
        var info = new ProcessStartInfo(host)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(typeof(FloodProcess).Assembly.Location);
        foreach (var argument in new[]
                 {
                     FloodCommand.Name, "--config", _configPath, "--topic", _topic,
                     "--partitions", _partitions.ToString(CultureInfo.InvariantCulture),
                     "--record-size", _recordSize.ToString(CultureInfo.InvariantCulture),
                     "--rate", _recordsPerSec.ToString("R", CultureInfo.InvariantCulture),
                 })
            info.ArgumentList.Add(argument);

        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start the noisy-flood process");
        _process = process;
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
                Console.Error.WriteLine($"[tenant A's process] {e.Data}");
        };
        process.BeginErrorReadLine();
        var started = process.StandardOutput.ReadLineAsync();
        if (!started.Wait(StartTimeout) || started.Result != FloodCommand.StartedLine)
        {
            Stop();
            throw new InvalidOperationException($"the noisy-flood process did not start (it said '{(started.IsCompleted ? started.Result : "nothing")}')");
        }
    }

    public FloodCounters Snapshot()
    {
        var process = _process ?? throw new InvalidOperationException("the flood process has not started");
        lock (_exchange)
        {
            process.StandardInput.WriteLine(FloodCommand.SnapshotRequest);
            process.StandardInput.Flush();
            var line = process.StandardOutput.ReadLine()
                ?? throw new InvalidOperationException($"the noisy-flood process ended (exit {(process.HasExited ? process.ExitCode : -1)})");
            var snapshot = FloodSnapshotLine.Parse(line);
            if (snapshot.FirstError is not null)
                Interlocked.CompareExchange(ref _firstError, snapshot.FirstError, null);
            return snapshot.ToCounters(Stopwatch.GetTimestamp());
        }
    }

    public void Dispose() => Stop();

    private void Stop()
    {
        try
        {
            if (_process is { } process)
            {
                // Closing its stdin is the child's signal to drop its queue and exit.
                try
                {
                    process.StandardInput.Close();
                }
                catch (IOException)
                {
                    // Already gone: nothing to tell it.
                }

                if (!process.WaitForExit(StopTimeout))
                    process.Kill(entireProcessTree: true);
                process.WaitForExit();
                process.Dispose();
                _process = null;
            }
        }
        finally
        {
            File.Delete(_configPath);
        }
    }

    private void WriteConfig()
    {
        var settings = _config.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using var file = new FileStream(_configPath, options);
        JsonSerializer.Serialize(file, settings);
    }
}
