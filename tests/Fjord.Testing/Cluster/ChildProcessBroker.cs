using System.Globalization;
using System.Text;

namespace Fjord.Testing;

/// <summary>
/// A broker as a child process, one process per incarnation: a test can SIGKILL it mid-write, SIGSTOP it,
/// or start it again on the same data. The output of ended incarnations is kept for failure messages.
/// </summary>
public sealed class ChildProcessBroker : TestBroker
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);
    private const int LinesKeptPerIncarnation = 200;

    private readonly string _entryDll;
    private readonly StringBuilder _pastOutput = new();
    private BrokerChildProcess? _process;

    internal ChildProcessBroker(int nodeId, TcpProxy? storageProxy, string entryDll)
        : base(nodeId, storageProxy) => _entryDll = entryDll;

    /// <summary>A process was launched and has not been killed, stopped or seen to exit.</summary>
    public override bool IsRunning => _process is { HasExited: false };

    /// <summary>True when the current process ended by itself (or there is none).</summary>
    public bool HasExited => _process is null or { HasExited: true };

    /// <summary>The current process has said it serves.</summary>
    public bool IsReady => _process is { IsReady: true };

    public bool IsPaused => _process is { IsPaused: true };

    public int? Pid => _process?.Pid;

    public override string Output => _process?.Output ?? "";

    /// <summary>Every incarnation's output, the ended ones' tails first.</summary>
    public string History
    {
        get
        {
            lock (_pastOutput)
                return _pastOutput + Output;
        }
    }

    internal override async Task StartAsync(IReadOnlyDictionary<string, string> settings, TimeSpan timeout)
    {
        Launch(settings);
        await WaitForReadyAsync(timeout).ConfigureAwait(false);
    }

    /// <summary>Starts a process without waiting for it to serve: for a broker expected to wait for storage, or to refuse.</summary>
    internal void Launch(IReadOnlyDictionary<string, string> settings)
    {
        if (_process is not null)
            throw new InvalidOperationException($"broker {NodeId} already has a process; kill or stop it first");
        _process = BrokerChildProcess.Launch(_entryDll, settings);
    }

    /// <summary>Waits for the ready line; a process that exits or stays silent is killed and reported with its output.</summary>
    public async Task WaitForReadyAsync(TimeSpan timeout)
    {
        var process = _process ?? throw new InvalidOperationException($"broker {NodeId} has no process");
        try
        {
            var port = await process.WaitForReadyAsync(timeout).ConfigureAwait(false);
            if (Port == 0)
                Port = port;
        }
        catch (InvalidOperationException)
        {
            await EndAsync(process).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Polls the current incarnation's output until a line contains <paramref name="text"/>.</summary>
    public Task WaitForOutputAsync(string text, TimeSpan timeout) =>
        Poll.UntilAsync(() => Output.Contains(text, StringComparison.Ordinal), timeout, $"broker {NodeId}'s output to contain \"{text}\"");

    /// <summary>
    /// Waits until the process ends by itself (e.g. a fault point's SIGKILL); true when it did within
    /// <paramref name="timeout"/>. The broker is down afterwards.
    /// </summary>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        if (_process is not { } process)
            return true;
        try
        {
            await Poll.UntilAsync(() => process.HasExited, timeout, $"broker {NodeId} to exit").ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return false;
        }

        await EndAsync(process).ConfigureAwait(false);
        return true;
    }

    public override async Task KillAsync()
    {
        if (_process is { } process)
            await EndAsync(process).ConfigureAwait(false);
    }

    /// <summary>SIGTERM and the wait for a clean exit.</summary>
    public override async Task StopAsync()
    {
        if (_process is not { } process)
            return;
        try
        {
            await process.StopAsync(StopTimeout).ConfigureAwait(false);
        }
        finally
        {
            await EndAsync(process).ConfigureAwait(false);
        }
    }

    /// <summary>SIGSTOP: its peers see it stop answering, not disconnect.</summary>
    public void Pause() => (_process ?? throw new InvalidOperationException($"broker {NodeId} is not running")).Pause();

    /// <summary>SIGCONT.</summary>
    public void Resume() => (_process ?? throw new InvalidOperationException($"broker {NodeId} is not running")).Resume();

    private protected override Task ShutDownAsync() => KillAsync();

    /// <summary>Kills (a no-op for an exited process, which only drains its pipes), keeps the output tail, forgets the process.</summary>
    private async Task EndAsync(BrokerChildProcess process)
    {
        await process.KillAsync().ConfigureAwait(false);
        lock (_pastOutput)
        {
            _pastOutput.Append(CultureInfo.InvariantCulture, $"[incarnation pid {process.Pid} ended]\n");
            foreach (var line in process.Output.Split('\n').TakeLast(LinesKeptPerIncarnation))
                _pastOutput.Append(line).Append('\n');
        }

        await process.DisposeAsync().ConfigureAwait(false);
        if (ReferenceEquals(_process, process))
            _process = null;
    }
}
