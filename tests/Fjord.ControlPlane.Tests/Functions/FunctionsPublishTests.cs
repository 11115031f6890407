using System.Diagnostics;
using Fjord.Testing;

namespace Fjord.ControlPlane.Tests.Functions;

/// <summary>
/// Builds the package Azure would run (<c>dotnet publish -c Release</c>, as azd does) and checks it. Slow, so it
/// carries a trait (<c>--filter Category!=Publish</c> skips it); the Release intermediates stay in the repository's
/// obj folders, so a second run builds incrementally.
/// </summary>
public sealed class FunctionsPublishTests
{
    [Fact]
    [Trait("Category", "Publish")]
    public async Task ThePublishedPackageHoldsHostJsonMetadataWorkerConfigAndEveryEntryPoint()
    {
        using var folder = new TempDirectory("fjord-functions-publish");
        var project = Path.Combine(RepositoryRoot.Find(), "functions", "Fjord.Functions", "Fjord.Functions.csproj");
        var start = new ProcessStartInfo("dotnet", ["publish", project, "-c", "Release", "-o", folder.Path, "-v", "quiet", "-nologo"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var publish = Process.Start(start)!;
        var stdout = publish.StandardOutput.ReadToEndAsync();
        var stderr = publish.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(8));
        await publish.WaitForExitAsync(timeout.Token);
        Assert.True(publish.ExitCode == 0, $"dotnet publish failed:\n{await stdout}\n{await stderr}");

        foreach (var file in new[] { "host.json", "functions.metadata", "worker.config.json", "Fjord.Functions.dll" })
            Assert.True(File.Exists(Path.Combine(folder.Path, file)), $"{file} is missing from the published package");
        var workerConfig = await File.ReadAllTextAsync(Path.Combine(folder.Path, "worker.config.json"));
        Assert.Contains("dotnet-isolated", workerConfig, StringComparison.Ordinal);
        Assert.Contains("Fjord.Functions.dll", workerConfig, StringComparison.Ordinal);

        var functions = FunctionsMetadata.Read(folder.Path);
        Assert.Contains(functions, f => f.TriggerTypes.Contains("httpTrigger"));
        Assert.Contains(functions, f => f.TriggerTypes.Contains("timerTrigger"));
        foreach (var function in functions)
        {
            var assembly = Path.Combine(folder.Path, function.ScriptFile);
            Assert.True(File.Exists(assembly), $"{function.Name}: scriptFile {function.ScriptFile} is not in the package");
            Assert.Contains(function.EntryPoint, FunctionsMetadata.PublicMethods(assembly));
        }
    }
}
