using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Fjord.Testing;

/// <summary>
/// One <c>dotnet &lt;entry dll&gt; --override k=v …</c> process: its output (the tail, for assertion
/// messages), its FJORD_BROKER_READY line, and the signals a fault test sends it.
/// </summary>
internal sealed partial class BrokerChildProcess : IAsyncDisposable
{
    private const string ReadyMarker = "FJORD_BROKER_READY ";
    private const int OutputLines = 2000;

    // Linux signal numbers (x86-64 and arm64 agree on these).
    private const int SigTerm = 15;
    private const int SigStop = 19;
    private const int SigCont = 18;

    private readonly Process _process;
    private readonly List<string> _output = [];
    private readonly TaskCompletionSource<int> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private BrokerChildProcess(Process process) => _process = process;

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public bool IsReady => _ready.Task.IsCompletedSuccessfully;

    public bool IsPaused { get; private set; }

    public string Output
    {
        get
        {
            lock (_output)
                return string.Join(Environment.NewLine, _output);
        }
    }

    /// <param name="environment">
    /// When given, the process's configuration environment is exactly this: inherited FJORD_*, AZURE_* and managed-identity
    /// variables are removed first, so nothing from the test's own environment leaks into a broker configured like Azure's.
    /// </param>
    public static BrokerChildProcess Launch(string entryDll, IReadOnlyDictionary<string, string> settings, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(entryDll);
        if (environment is not null)
        {
            foreach (var name in info.Environment.Keys.Where(IsConfiguration).ToList())
                info.Environment.Remove(name);
            foreach (var (name, value) in environment)
                info.Environment[name] = value;
        }
        foreach (var (key, value) in settings)
        {
            info.ArgumentList.Add("--override");
            info.ArgumentList.Add($"{key}={value}");
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start dotnet {entryDll}");
        var child = new BrokerChildProcess(process);
        process.OutputDataReceived += (_, e) => child.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => child.OnLine(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    private static bool IsConfiguration(string name) =>
        name.StartsWith("FJORD_", StringComparison.Ordinal) || name.StartsWith("AZURE_", StringComparison.Ordinal)
        || name is "IDENTITY_ENDPOINT" or "IDENTITY_HEADER" or "MSI_ENDPOINT" or "MSI_SECRET" or "IMDS_ENDPOINT" or "IDENTITY_SERVER_THUMBPRINT"
        || name is "SSL_CERT_FILE" or "SSL_CERT_DIR";

    /// <summary>The port of the first listener once the broker says it is ready; a broker that exits or stays silent past the timeout is killed and reported with its output.</summary>
    public async Task<int> WaitForReadyAsync(TimeSpan timeout)
    {
        var first = await Task.WhenAny(_ready.Task, _process.WaitForExitAsync(), Task.Delay(timeout)).ConfigureAwait(false);
        if (first != _ready.Task)
        {
            await KillAsync().ConfigureAwait(false);
            throw new InvalidOperationException($"broker process {Pid} did not become ready:\n{Output}");
        }

        return await _ready.Task.ConfigureAwait(false);
    }

    /// <summary>SIGKILL: no flush, no checkpoint, no clean-shutdown marker. It ends a SIGSTOPped process too.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
            _process.Kill(entireProcessTree: true);

        // Waiting for the exit also drains the last lines still in the output pipes.
        await _process.WaitForExitAsync().ConfigureAwait(false);
        IsPaused = false;
    }

    /// <summary>SIGTERM, then the wait for a clean exit; a broker that does not stop in time is killed and reported.</summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        if (_process.HasExited)
            return;
        Resume();
        _ = SendSignal(_process.Id, SigTerm);
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await KillAsync().ConfigureAwait(false);
            throw new TimeoutException($"broker did not stop on SIGTERM:\n{Output}");
        }

        await _process.WaitForExitAsync().ConfigureAwait(false);
    }

    /// <summary>SIGSTOP: frozen mid-whatever with its sockets open, like a long GC pause or a stalled VM.</summary>
    public void Pause()
    {
        if (_process.HasExited || IsPaused)
            return;
        if (SendSignal(_process.Id, SigStop) != 0)
            throw new InvalidOperationException($"SIGSTOP to {_process.Id} failed: errno {Marshal.GetLastPInvokeError()}");
        IsPaused = true;
    }

    /// <summary>SIGCONT: the paused broker carries on as if no time had passed.</summary>
    public void Resume()
    {
        if (!IsPaused)
            return;
        IsPaused = false;
        if (_process.HasExited)
            return;
        if (SendSignal(_process.Id, SigCont) != 0)
            throw new InvalidOperationException($"SIGCONT to {_process.Id} failed: errno {Marshal.GetLastPInvokeError()}");
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync().ConfigureAwait(false);
        _process.Dispose();
    }

    private void OnLine(string? line)
    {
        if (line is null)
            return;
        lock (_output)
        {
            _output.Add(line);
            if (_output.Count > OutputLines)
                _output.RemoveAt(0);
        }

        if (!line.StartsWith(ReadyMarker, StringComparison.Ordinal))
            return;
        var listeners = line.Split(' ').First(p => p.StartsWith("listeners=", StringComparison.Ordinal))["listeners=".Length..];
        var first = listeners.Split(',')[0];
        _ready.TrySetResult(int.Parse(first[(first.LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture));
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SendSignal(int pid, int signal);
}
