using System.Reflection;
using System.Text.Json.Nodes;

namespace Fjord.Infra.Tests;

/// <summary>
/// What <c>dotnet publish</c> of each service produces (the Dockerfile's publish step; azd's publish of the Functions
/// app) holds what the image and the Functions host start. Published with no-build from the build this test
/// project depends on, in the same configuration.
/// </summary>
public sealed class PublishTests : IDisposable
{
    private static readonly string Configuration =
        typeof(PublishTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("fjord-publish-");

    [Fact]
    public async Task TheBrokerPublishesTheDllTheImageStartsOnTheAspNetCoreRuntime()
    {
        var output = await PublishAsync("broker/src/Fjord.Broker/Fjord.Broker.csproj", "broker");
        // The Dockerfile's ENTRYPOINT is dotnet Fjord.Broker.dll, on the aspnet image.
        Assert.True(File.Exists(Path.Combine(output, "Fjord.Broker.dll")));
        var runtime = JsonNode.Parse(File.ReadAllText(Path.Combine(output, "Fjord.Broker.runtimeconfig.json")))!["runtimeOptions"]!;
        var frameworks = (runtime["frameworks"]?.AsArray() ?? [runtime["framework"]]).Select(f => (string)f!["name"]!).ToList();
        Assert.Contains("Microsoft.AspNetCore.App", frameworks);
        Assert.All(frameworks, f => Assert.Contains(f, new[] { "Microsoft.NETCore.App", "Microsoft.AspNetCore.App" }));
    }

    [Fact]
    public async Task TheFunctionsAppPublishesWhatTheFunctionsHostLoads()
    {
        var output = await PublishAsync("functions/Fjord.Functions/Fjord.Functions.csproj", "functions");
        foreach (var file in new[] { "host.json", "worker.config.json", "functions.metadata", "Fjord.Functions.dll" })
            Assert.True(File.Exists(Path.Combine(output, file)), $"{file} is not in the published app");
        var worker = JsonNode.Parse(File.ReadAllText(Path.Combine(output, "worker.config.json")))!["description"]!;
        Assert.Equal("dotnet-isolated", (string?)worker["language"]);
        Assert.Contains("Fjord.Functions.dll", (string?)worker["defaultWorkerPath"], StringComparison.Ordinal);
        var functions = JsonNode.Parse(File.ReadAllText(Path.Combine(output, "functions.metadata")))!.AsArray();
        Assert.NotEmpty(functions);
        // Flex Consumption runs .NET 10 isolated (functionAppConfig.runtime in infra/modules/function-app.bicep).
        var runtime = JsonNode.Parse(File.ReadAllText(Path.Combine(output, "Fjord.Functions.runtimeconfig.json")))!["runtimeOptions"]!;
        Assert.StartsWith("net10.", (string?)runtime["tfm"], StringComparison.Ordinal);
    }

    private async Task<string> PublishAsync(string project, string name)
    {
        var output = Path.Combine(_dir.FullName, name);
        var run = await ProcessRun.RunAsync("dotnet",
            ["publish", Path.Combine(RepositoryPaths.Root, project), "-c", Configuration, "--no-build", "--nologo", "-v", "quiet", "-o", output],
            RepositoryPaths.Root, TimeSpan.FromMinutes(5));
        Assert.True(run.ExitCode == 0, $"dotnet publish {project}:\n{run.Output}{run.Error}");
        return output;
    }

    public void Dispose() => _dir.Delete(recursive: true);
}
