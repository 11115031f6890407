using System.Diagnostics;

namespace Fjord.Broker.Tests.Infrastructure;

/// <summary>Runs kcat (librdkafka's CLI) with a bounded wait, returning its exit code and combined output.</summary>
public static class Kcat
{
    public static async Task<(int ExitCode, string Output)> RunAsync(string arguments, string? input = null)
    {
        var info = new ProcessStartInfo("kcat", arguments)
        {
            RedirectStandardInput = input is not null,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        Process process;
        try
        {
            process = Process.Start(info)!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new InvalidOperationException("kcat is not installed; ./fjord.sh test installs it (apt-get install kcat)");
        }
        using (process)
        {
            if (input is not null)
            {
                await process.StandardInput.WriteAsync(input);
                process.StandardInput.Close();
            }
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await process.WaitForExitAsync(timeout.Token);
            return (process.ExitCode, await stdout + await stderr);
        }
    }
}
