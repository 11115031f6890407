namespace Fjord.Infra.Tests;

/// <summary>infra/ compiles with the Bicep CLI and its linter (infra/bicepconfig.json: every rule an error) finds nothing.</summary>
[Collection(InfraCollection.Name)]
public sealed class BicepBuildTests(InfraBuild build)
{
    [Fact]
    public void EveryBicepFileBuildsWithoutAnyDiagnostic()
    {
        Assert.True(build.Run.ExitCode == 0, $"bicep build failed ({build.Run.ExitCode}):\n{build.Run.Error}");
        // Warnings do not fail the compiler, so any line on stderr fails here.
        Assert.True(string.IsNullOrWhiteSpace(build.Run.Error), $"bicep reported:\n{build.Run.Error}");
        Assert.Contains(build.BicepFiles, f => f.EndsWith("main.bicep", StringComparison.Ordinal));
        foreach (var file in build.BicepFiles)
            Assert.True(build.Compiled(Path.GetRelativePath(RepositoryPaths.Infra, file)) is not null, $"{file} was not compiled");
    }

    [Fact]
    public async Task TheLinterConfigurationTurnsAWarningIntoAFailure()
    {
        // The same bicepconfig.json beside a file with an unused parameter: proves the lint above can fail.
        var dir = Directory.CreateTempSubdirectory("fjord-bicep-lint-");
        try
        {
            File.Copy(Path.Combine(RepositoryPaths.Infra, "bicepconfig.json"), Path.Combine(dir.FullName, "bicepconfig.json"));
            File.WriteAllText(Path.Combine(dir.FullName, "unused.bicep"), "param unused string\n");
            var run = await BicepCli.RunAsync(dir.FullName, "build", "unused.bicep", "--stdout");
            Assert.NotEqual(0, run.ExitCode);
            Assert.Contains("no-unused-params", run.Error, StringComparison.Ordinal);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
