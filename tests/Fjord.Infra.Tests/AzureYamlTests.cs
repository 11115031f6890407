using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace Fjord.Infra.Tests;

/// <summary>azure.yaml is what azd accepts (its own schema, from ../shared/azd) and matches infra/main.bicep.</summary>
[Collection(InfraCollection.Name)]
public sealed class AzureYamlTests(InfraBuild build)
{
    private static readonly Lazy<JsonSchema> Schema = new(() => JsonSchema.FromText(File.ReadAllText(RepositoryPaths.AzdSchema)));

    private static readonly EvaluationOptions Evaluation = new() { OutputFormat = OutputFormat.List };

    private static string AzureYamlPath => Path.Combine(RepositoryPaths.Root, "azure.yaml");

    private static JsonObject AzureYaml() => YamlJson.Parse(File.ReadAllText(AzureYamlPath))!.AsObject();

    [Fact]
    public void AzureYamlIsValidAgainstTheAzdSchema()
    {
        var verdict = Evaluate(AzureYaml());
        Assert.True(verdict.IsValid, verdict.Why);
    }

    [Fact]
    public void EveryServiceNamesItsHostAndTheFunctionsAppIsNotAContainer()
    {
        var services = AzureYaml()["services"]!.AsObject();
        Assert.All(services, s => Assert.NotNull(s.Value!["host"]));
        var functions = services["functions"]!;
        Assert.Equal("function", (string?)functions["host"]);
        Assert.Equal("./functions/Fjord.Functions", (string?)functions["project"]);
        Assert.True(File.Exists(Path.Combine(RepositoryPaths.Root, "functions", "Fjord.Functions", "Fjord.Functions.csproj")));
    }

    [Fact]
    public void ThereIsOneContainerAppServicePerBrokerBuiltFromTheRootDockerfile()
    {
        var defaultCount = (int)build.MainTemplate["parameters"]!["brokerCount"]!["defaultValue"]!;
        var services = AzureYaml()["services"]!.AsObject();
        var brokers = services.Where(s => s.Key.StartsWith("broker", StringComparison.Ordinal)).ToList();
        // main.bicep tags broker app i with azd-service-name broker-i.
        Assert.Equal(Enumerable.Range(0, defaultCount).Select(i => $"broker-{i}"), brokers.Select(b => b.Key));
        foreach (var (name, service) in brokers)
        {
            Assert.Equal("containerapp", (string?)service!["host"]);
            var project = Path.GetFullPath(Path.Combine(RepositoryPaths.Root, (string)service["project"]!));
            Assert.True(File.Exists(Path.Combine(project, "Fjord.Broker.csproj")), $"{name}: no Fjord.Broker.csproj in {project}");
            // docker paths are relative to the service's project folder.
            Assert.Equal(Path.Combine(RepositoryPaths.Root, "Dockerfile"), Path.GetFullPath(Path.Combine(project, (string)service["docker"]!["path"]!)));
            Assert.Equal(RepositoryPaths.Root, Path.GetFullPath(Path.Combine(project, (string)service["docker"]!["context"]!)).TrimEnd('/'));
        }
    }

    [Fact]
    public void EveryHookRunsAnExecutableScriptInTheRepository()
    {
        var hooks = AzureYaml()["hooks"]!.AsObject();
        Assert.NotEmpty(hooks);
        foreach (var (name, hook) in hooks)
        {
            var run = (string?)hook!["posix"]?["run"] ?? (string?)hook["run"];
            Assert.False(string.IsNullOrEmpty(run), $"hook {name} runs nothing");
            var script = Path.Combine(RepositoryPaths.Root, run!);
            Assert.True(File.Exists(script), $"hook {name}: {script} does not exist");
            Assert.True((File.GetUnixFileMode(script) & UnixFileMode.UserExecute) != 0, $"hook {name}: {script} is not executable");
        }
    }

    [Fact]
    public void AServiceWithoutAHostIsRefused()
    {
        var yaml = AzureYaml();
        yaml["services"]!["functions"]!.AsObject().Remove("host");
        Assert.False(Evaluate(yaml).IsValid);
    }

    [Fact]
    public void EnvironmentSettingsOnAFunctionHostAreRefused()
    {
        // A function app's settings come from the Bicep, never from azure.yaml (schema: env false on function).
        var yaml = AzureYaml();
        yaml["services"]!["functions"]!["env"] = new JsonObject { ["FJORD_TABLE_ENDPOINT"] = "https://x" };
        Assert.False(Evaluate(yaml).IsValid);
    }

    [Fact]
    public void ServiceLevelRemoteBuildOnAContainerAppIsRefused()
    {
        // Only function hosts take remoteBuild beside project; a container app asks for it under docker.
        var yaml = AzureYaml();
        yaml["services"]!["broker-0"]!["remoteBuild"] = true;
        Assert.False(Evaluate(yaml).IsValid);
    }

    [Fact]
    public void ADockerBuiltFunctionAppCannotAlsoAskForARemoteBuild()
    {
        var yaml = AzureYaml();
        yaml["services"]!["functions"]!["docker"] = new JsonObject { ["path"] = "./Dockerfile" };
        yaml["services"]!["functions"]!["remoteBuild"] = true;
        Assert.False(Evaluate(yaml).IsValid);
    }

    [Fact]
    public void PlainYamlScalarsBecomeJsonTypesAndQuotedOnesStayStrings()
    {
        var node = YamlJson.Parse("a: true\nb: 'true'\nc: 3\nd: ~\ne: ./x\n")!;
        Assert.Equal(JsonValueKind.True, node["a"]!.GetValueKind());
        Assert.Equal(JsonValueKind.String, node["b"]!.GetValueKind());
        Assert.Equal(3, (long)node["c"]!);
        Assert.Null(node["d"]);
        Assert.Equal("./x", (string?)node["e"]);
    }

    /// <summary>
    /// The schema's verdict. Its conditions for the AI hosts $ref extension schemas on the internet; a service
    /// reaches them only with such a host or with none at all (every if on host holds vacuously), and Fjord
    /// has neither, so reaching one is a refusal too.
    /// </summary>
    private static Verdict Evaluate(JsonNode yaml)
    {
        try
        {
            var result = Schema.Value.Evaluate(JsonDocument.Parse(yaml.ToJsonString()).RootElement, Evaluation);
            return new Verdict(result.IsValid, Describe(result));
        }
        catch (RefResolutionException e)
        {
            return new Verdict(false, $"a service reaches an external schema (an AI host, or no host): {e.Message}");
        }
    }

    private static string Describe(EvaluationResults result) =>
        string.Join('\n', (result.Details ?? []).Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation} ({d.EvaluationPath}): {e.Value}")));

    private sealed record Verdict(bool IsValid, string Why);
}
