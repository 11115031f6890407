using System.Diagnostics;
using System.Runtime.InteropServices;
using Fjord.Broker.TestHost;
using Fjord.Testing;

namespace Fjord.Broker.Tests.Infrastructure;

/// <summary>
/// A broker as a child process, so a test can kill it with SIGKILL mid-write and start it
/// again on the same data folder.
/// </summary>
public sealed partial class BrokerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _output = [];
    private readonly TaskCompletionSource<string> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private BrokerProcess(Process process) => _process = process;

    public string BootstrapServers { get; private set; } = "";
    public int Pid => _process.Id;
    public bool HasExited => _process.HasExited;

    /// <summary>True between <see cref="Pause"/> and <see cref="Resume"/>.</summary>
    public bool IsPaused { get; private set; }

    public string Output
    {
        get { lock (_output) return string.Join(Environment.NewLine, _output); }
    }

    /// <summary>Starts the broker and waits until it is ready (or fails, with its output).</summary>
    public static async Task<BrokerProcess> StartAsync(IReadOnlyDictionary<string, string> overrides, TimeSpan? timeout = null)
    {
        var broker = Launch(overrides);
        await broker.WaitForReadyAsync(timeout ?? TimeSpan.FromSeconds(60));
        return broker;
    }

    /// <summary>Starts the broker without waiting for it to become ready (one that waits for storage, or refuses a store).</summary>
    public static BrokerProcess Launch(IReadOnlyDictionary<string, string> overrides)
    {
        // Fault points are the test host's setting, not the broker's: a broker that arms them runs in the host.
        var host = overrides.ContainsKey(TierFaultPoints.Setting) ? "Fjord.Broker.TestHost.dll" : "Fjord.Broker.dll";
        var dll = Path.Combine(AppContext.BaseDirectory, host);
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(dll);
        foreach (var (k, v) in overrides)
        {
            info.ArgumentList.Add("--override");
            info.ArgumentList.Add($"{k}={v}");
        }
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start the broker process");
        var broker = new BrokerProcess(process);
        process.OutputDataReceived += (_, e) => broker.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => broker.OnLine(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return broker;
    }

    /// <summary>Waits for FJORD_BROKER_READY; a broker that exits or stays silent past the timeout is killed and reported with its output.</summary>
    public async Task WaitForReadyAsync(TimeSpan timeout)
    {
        var exited = _process.WaitForExitAsync();
        var first = await Task.WhenAny(_ready.Task, exited, Task.Delay(timeout));
        if (first != _ready.Task)
        {
            await DisposeAsync();
            throw new InvalidOperationException($"broker process did not become ready:\n{Output}");
        }
        BootstrapServers = await _ready.Task;
    }

    /// <summary>Polls the output until a line contains <paramref name="text"/>.</summary>
    public Task WaitForOutputAsync(string text, TimeSpan timeout) =>
        Poll.UntilAsync(() => Output.Contains(text, StringComparison.Ordinal), timeout, $"broker output to contain \"{text}\"");

    public bool IsReady => _ready.Task.IsCompleted;

    private void OnLine(string? line)
    {
        if (line is null) return;
        lock (_output)
        {
            _output.Add(line);
            if (_output.Count > 2000) _output.RemoveAt(0);
        }
        const string marker = "FJORD_BROKER_READY ";
        if (!line.StartsWith(marker, StringComparison.Ordinal)) return;
        var listeners = line.Split(' ').First(p => p.StartsWith("listeners=", StringComparison.Ordinal))["listeners=".Length..];
        var first = listeners.Split(',')[0];
        _ready.TrySetResult(first[(first.IndexOf("://", StringComparison.Ordinal) + 3)..]);
    }

    /// <summary>SIGKILL: no flush, no checkpoint, no clean-shutdown marker.</summary>
    public async Task KillAsync()
    {
        // SIGKILL ends a SIGSTOPped process too.
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        IsPaused = false;
    }

    /// <summary>
    /// SIGSTOP: the broker freezes mid-whatever, sockets open, like a long GC pause or a stalled VM.
    /// Its peers see it stop answering, not disconnect.
    /// </summary>
    public void Pause()
    {
        if (_process.HasExited || IsPaused) return;
        if (SendSignal(_process.Id, SigStop) != 0) throw new InvalidOperationException($"SIGSTOP to {_process.Id} failed: errno {Marshal.GetLastPInvokeError()}");
        IsPaused = true;
    }

    /// <summary>SIGCONT: the paused broker carries on as if no time had passed.</summary>
    public void Resume()
    {
        if (!IsPaused) return;
        IsPaused = false;
        if (_process.HasExited) return;
        if (SendSignal(_process.Id, SigCont) != 0) throw new InvalidOperationException($"SIGCONT to {_process.Id} failed: errno {Marshal.GetLastPInvokeError()}");
    }

    /// <summary>SIGTERM: the broker closes its logs cleanly.</summary>
    public async Task StopAsync(TimeSpan? timeout = null)
    {
        if (_process.HasExited) return;
        Resume();
        _ = SendSignal(_process.Id, 15);
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        try { await _process.WaitForExitAsync(cts.Token); }
        catch (OperationCanceledException) { await KillAsync(); throw new TimeoutException($"broker did not stop on SIGTERM:\n{Output}"); }
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }

    // Linux signal numbers (x86-64 and arm64 agree on these).
    private const int SigStop = 19;
    private const int SigCont = 18;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SendSignal(int pid, int signal);
}
