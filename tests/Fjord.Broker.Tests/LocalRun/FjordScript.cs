using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using Fjord.Testing;

namespace Fjord.Broker.Tests.LocalRun;

/// <summary>
/// <c>fjord.sh</c> run as a user runs it from a terminal: in its own session and process group
/// (so a signal can go to the whole group, as a terminal's Ctrl-C does), with a private
/// <c>FJORD_HOME</c>. Disposing kills every process it left behind.
/// </summary>
public sealed partial class FjordScript : IAsyncDisposable
{
    public const int SigInt = 2;
    public const int SigKill = 9;
    public const int SigTerm = 15;

    private readonly Process _process;
    private readonly List<string> _output = [];

    private FjordScript(Process process, string home)
    {
        _process = process;
        Home = home;
    }

    /// <summary>The script's pid, which is also its process group and session id.</summary>
    public int Pid => _process.Id;

    public string Home { get; }

    public string LogsDirectory => Path.Combine(Home, "logs");

    public bool HasExited => _process.HasExited;

    /// <summary>What the script printed (stdout and stderr interleaved, as a terminal shows them).</summary>
    public string Output
    {
        get { lock (_output) return string.Join('\n', _output); }
    }

    /// <summary>The broker <c>fjord.sh start</c> runs with FJORD_SKIP_BUILD=1.</summary>
    public static string BrokerDll => Path.Combine(RepositoryRoot.Find(), "broker", "src", "Fjord.Broker", "bin", "Release", "net10.0", "Fjord.Broker.dll");

    /// <summary>
    /// Starts <c>bash fjord.sh {command}</c> with FJORD_SKIP_BUILD=1: rebuilding the broker here
    /// would replace DLLs other test assemblies are running brokers from.
    /// </summary>
    public static async Task<FjordScript> StartAsync(string home, string command, IReadOnlyDictionary<string, string> environment)
    {
        if (!File.Exists(BrokerDll))
            throw new InvalidOperationException($"{BrokerDll} is missing: build the broker first (dotnet build broker/src/Fjord.Broker/Fjord.Broker.csproj -c Release); these tests run it without building.");
        // A terminal's shell starts a foreground job with SIGINT at its default; a test host started
        // in the background may hand SIG_IGN down, and bash could then not trap Ctrl-C at all.
        var info = new ProcessStartInfo("env")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepositoryRoot.Find(),
        };
        info.ArgumentList.Add("--default-signal=INT");
        info.ArgumentList.Add("setsid");
        info.ArgumentList.Add("bash");
        info.ArgumentList.Add(Path.Combine(RepositoryRoot.Find(), "fjord.sh"));
        info.ArgumentList.Add(command);
        info.Environment["FJORD_HOME"] = home;
        info.Environment["FJORD_SKIP_BUILD"] = "1";
        foreach (var (name, value) in environment)
            info.Environment[name] = value;
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start fjord.sh");
        var script = new FjordScript(process, home);
        process.OutputDataReceived += (_, e) => script.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => script.OnLine(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        // env and setsid exec in place (setsid forks only when its caller leads a process group,
        // which a fresh child never does), so this pid becomes the session and group leader once
        // setsid has run; signals to the group before that would miss.
        try
        {
            await Poll.UntilAsync(() => process.HasExited || ProcStat.Read(process.Id)?.Session == process.Id,
                TimeSpan.FromSeconds(10), $"fjord.sh (pid {process.Id}) to lead its own session");
        }
        catch
        {
            await script.DisposeAsync();
            throw;
        }
        return script;
    }

    private void OnLine(string? line)
    {
        if (line is null) return;
        lock (_output) _output.Add(line);
    }

    /// <summary>Waits for a line of output, failing early (with the output) if the script ends first.</summary>
    public async Task WaitForOutputAsync(string text, TimeSpan timeout)
    {
        try
        {
            await Poll.UntilAsync(() =>
            {
                if (Output.Contains(text, StringComparison.Ordinal)) return true;
                if (!_process.HasExited) return false;
                // The exit can be seen before its last lines are read: WaitForExit drains the pipes, then look once more.
                _process.WaitForExit();
                if (Output.Contains(text, StringComparison.Ordinal)) return true;
                throw new InvalidOperationException($"fjord.sh exited (code {_process.ExitCode}) before printing \"{text}\":\n{Output}");
            }, timeout, $"fjord.sh to print \"{text}\"");
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}\n{Output}", e);
        }
    }

    /// <summary>What a terminal does on Ctrl-C: the signal goes to every process of the foreground group.</summary>
    public void SignalGroup(int signal) => _ = Kill(-Pid, signal);

    /// <summary>What <c>kill PID</c> does: only the script gets the signal.</summary>
    public void Signal(int signal) => _ = Kill(Pid, signal);

    /// <summary>
    /// Every live process this run started: its session (the brokers, sleeps, greps) and anything
    /// that left the session on purpose (Azurite) or by accident, recognised by the FJORD_HOME it
    /// inherited.
    /// </summary>
    public IReadOnlyList<ProcStat> LiveProcesses()
    {
        var marker = Encoding.UTF8.GetBytes($"FJORD_HOME={Home}\0");
        var found = new List<ProcStat>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid) || pid == Environment.ProcessId) continue;
            var stat = ProcStat.Read(pid);
            if (stat is null || stat.State == 'Z') continue;
            if (stat.Session == Pid || stat.ProcessGroup == Pid || EnvironmentContains(pid, marker))
                found.Add(stat);
        }
        return found;
    }

    /// <summary>The pid of broker <paramref name="nodeId"/>, found by its command line.</summary>
    public int BrokerPid(int nodeId)
    {
        var matches = LiveProcesses().Where(p => p.CommandLine.Contains("Fjord.Broker.dll", StringComparison.Ordinal)
            && p.CommandLine.Contains($"node.id={nodeId} ", StringComparison.Ordinal)).ToList();
        Assert.True(matches.Count == 1, $"expected one process of broker {nodeId}, found {matches.Count}:\n{Describe(LiveProcesses())}");
        return matches[0].Pid;
    }

    /// <summary>
    /// The first of <paramref name="count"/> consecutive free ports: fjord.sh puts broker N on
    /// FJORD_BROKER_PORT_BASE + N, so one free port from the OS is not enough.
    /// </summary>
    public static int FreePortRange(int count)
    {
        for (var attempt = 0; ; attempt++)
        {
            var first = FreePort.Next();
            var held = new List<System.Net.Sockets.TcpListener>();
            try
            {
                for (var port = first; port < first + count; port++)
                {
                    var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, port);
                    listener.Start();
                    held.Add(listener);
                }
                return first;
            }
            catch (Exception e) when (e is System.Net.Sockets.SocketException or ArgumentOutOfRangeException && attempt < 50)
            {
            }
            finally
            {
                foreach (var listener in held) listener.Dispose();
            }
        }
    }

    public static int KillProcess(int pid, int signal) => Kill(pid, signal);

    public async Task AssertNothingLeftAsync(TimeSpan timeout)
    {
        try
        {
            await Poll.UntilAsync(() => LiveProcesses().Count == 0, timeout, "every process of fjord.sh to end");
            // The script is gone, but its last lines may still be in the pipe: waiting for the exit
            // also waits for the end of its output, so assertions on Output see every line.
            using var drained = new CancellationTokenSource(timeout);
            await _process.WaitForExitAsync(drained.Token);
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}\nstill running:\n{Describe(LiveProcesses())}\nfjord.sh printed:\n{Output}", e);
        }
    }

    public string ReadLog(string name)
    {
        var path = Path.Combine(LogsDirectory, name);
        return File.Exists(path) ? File.ReadAllText(path) : $"<no {path}>";
    }

    public static string Describe(IEnumerable<ProcStat> processes) =>
        string.Join('\n', processes.Select(p => $"  {p.Pid} (pgid {p.ProcessGroup}, sid {p.Session}, {p.State}): {p.CommandLine}"));

    private static bool EnvironmentContains(int pid, byte[] marker)
    {
        try
        {
            return File.ReadAllBytes($"/proc/{pid}/environ").AsSpan().IndexOf(marker) >= 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Kills everything the run left, even when the test failed half-way.</summary>
    public async ValueTask DisposeAsync()
    {
        for (var round = 0; round < 50; round++)
        {
            _ = Kill(-Pid, SigKill);
            var left = LiveProcesses();
            if (left.Count == 0) break;
            foreach (var p in left) _ = Kill(p.Pid, SigKill);
            await Task.Delay(100);
        }
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException) { }
        _process.Dispose();
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
