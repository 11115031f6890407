using System.Diagnostics;

namespace Fjord.Testing;

/// <summary>
/// Makes sure the repository's own Azurite (package.json at the root) is installed. Test processes
/// run in parallel, so the install happens once per machine under a cross-process file lock and
/// once per process under a semaphore.
/// </summary>
internal static class AzuriteInstaller
{
    private static readonly SemaphoreSlim ProcessGate = new(1, 1);
    private static readonly TimeSpan InstallTimeout = TimeSpan.FromMinutes(10);

    public static string BinaryPath(string repoRoot) =>
        Path.Combine(repoRoot, "node_modules", ".bin", OperatingSystem.IsWindows() ? "azurite.cmd" : "azurite");

    public static async Task<string> EnsureInstalledAsync(string repoRoot)
    {
        var binary = BinaryPath(repoRoot);
        if (File.Exists(binary))
            return binary;

        await ProcessGate.WaitAsync().ConfigureAwait(false);
        try
        {
            using var machineLock = await AcquireFileLockAsync(Path.Combine(Path.GetTempPath(), "fjord-npm-install.lock")).ConfigureAwait(false);
            // Another process may have installed it while this one waited for the lock.
            if (!File.Exists(binary))
                await RunNpmInstallAsync(repoRoot).ConfigureAwait(false);
            if (!File.Exists(binary))
                throw new FileNotFoundException($"npm install in {repoRoot} did not produce {binary}.", binary);
            return binary;
        }
        finally
        {
            ProcessGate.Release();
        }
    }

    private static async Task<FileStream> AcquireFileLockAsync(string path)
    {
        FileStream? stream = null;
        await Poll.UntilAsync(() =>
        {
            try
            {
                stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                return true;
            }
            catch (IOException)
            {
                return false;
            }
        }, InstallTimeout, $"the npm install lock {path}").ConfigureAwait(false);
        return stream!;
    }

    private static async Task RunNpmInstallAsync(string repoRoot)
    {
        var startInfo = new ProcessStartInfo(OperatingSystem.IsWindows() ? "npm.cmd" : "npm")
        {
            WorkingDirectory = repoRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        startInfo.ArgumentList.Add("install");
        startInfo.ArgumentList.Add("--no-audit");
        startInfo.ArgumentList.Add("--no-fund");

        using var process = new Process { StartInfo = startInfo };
        var output = new OutputTail();
        output.Attach(process);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var timeout = new CancellationTokenSource(InstallTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"npm install in {repoRoot} took longer than {InstallTimeout}.{Environment.NewLine}{output}");
        }

        if (process.ExitCode != 0)
            throw new InvalidOperationException($"npm install in {repoRoot} failed with exit code {process.ExitCode}.{Environment.NewLine}{output}");
    }
}
