using System.Diagnostics;
using System.Globalization;

namespace Fjord.Perf.Failover;

/// <summary>
/// A broker as a child process (<c>dotnet Fjord.Broker.dll --override …</c>), ready once it prints
/// its FJORD_BROKER_READY line. A minimal copy of the broker tests' BrokerProcess: the perf tool
/// does not reference the test project.
/// </summary>
internal sealed class FailoverBroker : IDisposable
{
    private const string ReadyMarker = "FJORD_BROKER_READY ";

    private readonly Process _process;
    private readonly TaskCompletionSource<int> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Queue<string> _tail = new();

    private FailoverBroker(int nodeId, Process process)
    {
        NodeId = nodeId;
        _process = process;
    }

    public int NodeId { get; }

    public int Port { get; private set; }

    public string Address => $"127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}";

    public string Tail
    {
        get { lock (_tail) return string.Join(Environment.NewLine, _tail); }
    }

    public static async Task<FailoverBroker> StartAsync(string brokerDll, int nodeId, IReadOnlyDictionary<string, string> overrides, TimeSpan timeout)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(brokerDll);
        foreach (var (key, value) in overrides)
        {
            info.ArgumentList.Add("--override");
            info.ArgumentList.Add($"{key}={value}");
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start a broker process");
        var broker = new FailoverBroker(nodeId, process);
        process.OutputDataReceived += (_, e) => broker.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => broker.OnLine(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var first = await Task.WhenAny(broker._ready.Task, process.WaitForExitAsync(), Task.Delay(timeout)).ConfigureAwait(false);
        if (first != broker._ready.Task)
        {
            broker.Dispose();
            throw new InvalidOperationException($"broker {nodeId} did not become ready:{Environment.NewLine}{broker.Tail}");
        }

        broker.Port = await broker._ready.Task.ConfigureAwait(false);
        return broker;
    }

    /// <summary>SIGKILL, as a crash: the cluster learns of it only when the broker's lease lapses.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
            _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public void Dispose()
    {
        try
        {
            Kill();
        }
        catch (InvalidOperationException)
        {
            // Never started or already gone.
        }

        _process.Dispose();
    }

    private void OnLine(string? line)
    {
        if (line is null)
            return;
        lock (_tail)
        {
            _tail.Enqueue(line);
            if (_tail.Count > 50)
                _tail.Dequeue();
        }

        if (!line.StartsWith(ReadyMarker, StringComparison.Ordinal))
            return;
        var listeners = line.Split(' ').First(p => p.StartsWith("listeners=", StringComparison.Ordinal))["listeners=".Length..];
        var first = listeners.Split(',')[0];
        _ready.TrySetResult(int.Parse(first[(first.LastIndexOf(':') + 1)..], CultureInfo.InvariantCulture));
    }
}
