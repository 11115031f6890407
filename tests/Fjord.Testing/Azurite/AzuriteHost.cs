using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Fjord.Testing;

/// <summary>
/// A private Azurite (Blob, Queue, Table) on free loopback ports, owned by one test. Stop and
/// restart it on the same ports to simulate a storage outage; with <see cref="AzuriteOptions.Location"/>
/// the data survives the restart.
/// </summary>
public sealed class AzuriteHost : IAsyncDisposable
{
    // The well-known development storage account every Azure SDK and emulator agrees on.
    private const string AccountName = "devstoreaccount1";
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private const int LaunchAttempts = 3;
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(15);

    private readonly AzuriteOptions _options;
    private readonly string _binary;
    private readonly TempDirectory _workDirectory;
    private readonly OutputTail _output = new();
    private Process? _process;
    private bool _disposed;

    private AzuriteHost(AzuriteOptions options, string binary, int blobPort, int queuePort, int tablePort)
    {
        _options = options;
        _binary = binary;
        BlobPort = blobPort;
        QueuePort = queuePort;
        TablePort = tablePort;
        _workDirectory = new TempDirectory("fjord-azurite");
    }

    public int BlobPort { get; }

    public int QueuePort { get; }

    public int TablePort { get; }

    /// <summary>Where the data lives, or null when it is in memory.</summary>
    public string? Location => _options.Location;

    public bool IsRunning => _process is { HasExited: false };

    public string ConnectionString =>
        $"DefaultEndpointsProtocol={Scheme};AccountName={AccountName};AccountKey={AccountKey};" +
        $"BlobEndpoint={BlobEndpoint};QueueEndpoint={Scheme}://127.0.0.1:{QueuePort}/{AccountName};TableEndpoint={TableEndpoint};";

    /// <summary>The Table service URL (path-style, as for any emulator), for a client that authenticates with a token.</summary>
    public Uri TableEndpoint => new($"{Scheme}://127.0.0.1:{TablePort}/{AccountName}");

    /// <summary>The Blob service URL.</summary>
    public Uri BlobEndpoint => new($"{Scheme}://127.0.0.1:{BlobPort}/{AccountName}");

    private string Scheme => _options.Https is null ? "http" : "https";

    public static async Task<AzuriteHost> StartAsync(AzuriteOptions? options = null)
    {
        options ??= new AzuriteOptions();
        if (options.Location is not null)
            Directory.CreateDirectory(options.Location);
        var binary = await AzuriteInstaller.EnsureInstalledAsync(RepositoryRoot.Find()).ConfigureAwait(false);

        // A port that was free when chosen can be taken before Azurite binds it; choosing fresh
        // ports and trying again is the only cure for that race.
        for (var attempt = 1; ; attempt++)
        {
            var ports = FreePort.Next(3);
            var host = new AzuriteHost(options, binary, ports[0], ports[1], ports[2]);
            try
            {
                await host.LaunchAsync().ConfigureAwait(false);
                return host;
            }
            catch (AzuriteExitedException) when (attempt < LaunchAttempts)
            {
                await host.DisposeAsync().ConfigureAwait(false);
            }
            catch
            {
                await host.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }
    }

    /// <summary>Stops Azurite gracefully (so a persisted location is flushed); the ports go dark.</summary>
    public async Task StopAsync()
    {
        var process = _process;
        if (process is null)
            return;
        _process = null;
        try
        {
            if (!process.HasExited)
            {
                if (!OperatingSystem.IsWindows())
                    _ = NativeMethods.Kill(process.Id, NativeMethods.SigTerm);
                else
                    process.Kill(entireProcessTree: true);

                using var timeout = new CancellationTokenSource(StopTimeout);
                try
                {
                    await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    process.Kill(entireProcessTree: true);
                    await process.WaitForExitAsync().ConfigureAwait(false);
                }
            }
        }
        finally
        {
            process.Dispose();
        }
    }

    /// <summary>Starts Azurite again on the same ports and location.</summary>
    public async Task RestartAsync()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await StopAsync().ConfigureAwait(false);
        await LaunchAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
            return;
        _disposed = true;
        var process = _process;
        _process = null;
        if (process is not null)
        {
            try
            {
                if (!process.HasExited)
                {
                    // Nothing needs to be flushed on the way out, so no need to be gentle.
                    process.Kill(entireProcessTree: true);
                    await process.WaitForExitAsync().ConfigureAwait(false);
                }
            }
            catch (InvalidOperationException)
            {
                // Exited between the check and the kill.
            }
            finally
            {
                process.Dispose();
            }
        }

        _workDirectory.Dispose();
    }

    private async Task LaunchAsync()
    {
        var startInfo = new ProcessStartInfo(_binary)
        {
            WorkingDirectory = _workDirectory.Path,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
        };
        foreach (var argument in Arguments())
            startInfo.ArgumentList.Add(argument);

        var process = new Process { StartInfo = startInfo };
        _output.Attach(process);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;

        await Poll.UntilAsync(async () =>
        {
            if (process.HasExited)
            {
                throw new AzuriteExitedException(
                    $"Azurite exited with code {process.ExitCode} before listening on blob {BlobPort}, queue {QueuePort}, table {TablePort}.{Environment.NewLine}{_output}");
            }

            return await AcceptsConnectionsAsync(TablePort).ConfigureAwait(false)
                && await AcceptsConnectionsAsync(BlobPort).ConfigureAwait(false)
                && await AcceptsConnectionsAsync(QueuePort).ConfigureAwait(false);
        }, _options.StartTimeout, $"Azurite to listen on blob {BlobPort}, queue {QueuePort}, table {TablePort}").ConfigureAwait(false);
    }

    private List<string> Arguments()
    {
        var arguments = new List<string>
        {
            "--silent", "--disableTelemetry", "--skipApiVersionCheck",
            "--blobHost", "127.0.0.1", "--blobPort", BlobPort.ToString(),
            "--queueHost", "127.0.0.1", "--queuePort", QueuePort.ToString(),
            "--tableHost", "127.0.0.1", "--tablePort", TablePort.ToString(),
        };
        if (_options.Https is { } https)
            arguments.AddRange(["--cert", https.CertificatePath, "--key", https.KeyPath]);
        if (_options.OAuth)
            arguments.AddRange(["--oauth", "basic"]);
        if (_options.Location is { } location)
            arguments.AddRange(["--location", location]);
        else
            arguments.Add("--inMemoryPersistence");
        return arguments;
    }

    private static async Task<bool> AcceptsConnectionsAsync(int port)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port).ConfigureAwait(false);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private sealed class AzuriteExitedException(string message) : Exception(message);
}
