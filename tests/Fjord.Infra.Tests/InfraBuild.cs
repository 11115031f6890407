using System.Text.Json.Nodes;

namespace Fjord.Infra.Tests;

/// <summary>
/// Every .bicep file under infra/ built once for the whole test collection (the compiler takes seconds to start):
/// what it reported, and main.bicep rendered to an ARM template.
/// </summary>
public sealed class InfraBuild : IAsyncLifetime
{
    private readonly string _outDir = Path.Combine(Path.GetTempPath(), $"fjord-infra-{Guid.NewGuid():N}");

    public ProcessRun Run { get; private set; } = new(-1, "", "not built");

    public IReadOnlyList<string> BicepFiles { get; } =
        Directory.GetFiles(RepositoryPaths.Infra, "*.bicep", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToArray();

    public JsonObject MainTemplate { get; private set; } = [];

    /// <summary>The ARM JSON of one .bicep file, by its path relative to infra/ (e.g. modules/storage.bicep).</summary>
    public string? Compiled(string relativeBicepPath)
    {
        var json = Path.Combine(_outDir, Path.ChangeExtension(relativeBicepPath, ".json"));
        return File.Exists(json) ? File.ReadAllText(json) : null;
    }

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_outDir);
        Run = await BicepCli.RunAsync(RepositoryPaths.Infra, "build", "--pattern", "**/*.bicep", "--outdir", _outDir);
        if (Compiled("main.bicep") is { } main)
            MainTemplate = JsonNode.Parse(main)!.AsObject();
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_outDir, recursive: true);
        return Task.CompletedTask;
    }
}
