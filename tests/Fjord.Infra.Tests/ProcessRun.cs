using System.Diagnostics;

namespace Fjord.Infra.Tests;

/// <summary>A finished child process: what it printed and how it ended.</summary>
public sealed record ProcessRun(int ExitCode, string Output, string Error)
{
    /// <summary>Runs a tool to completion; a tool still running after the timeout is killed and reported as a failure.</summary>
    public static async Task<ProcessRun> RunAsync(string fileName, IEnumerable<string> arguments, string workingDirectory, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{fileName} did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            return new ProcessRun(-1, await output, $"{fileName} did not finish within {timeout}; killed.\n{await error}");
        }
        return new ProcessRun(process.ExitCode, await output, await error);
    }
}
