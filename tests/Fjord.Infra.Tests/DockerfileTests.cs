using System.Text.Json.Nodes;
using System.Xml.Linq;

namespace Fjord.Infra.Tests;

/// <summary>
/// The broker's Dockerfile, checked without Docker (no images can be built here): dockerfilelint (pinned in
/// package.json) finds nothing, every path it copies is in the build context, and the image runs as a non-root
/// user with a health check and a volume for the hot log.
/// </summary>
public sealed class DockerfileTests
{
    private static string DockerfilePath => Path.Combine(RepositoryPaths.Root, "Dockerfile");

    private static IReadOnlyList<DockerfileInstruction> Instructions() => DockerfileInstruction.Parse(File.ReadAllText(DockerfilePath));

    private static string Linter
    {
        get
        {
            var path = Path.Combine(RepositoryPaths.Root, "node_modules", ".bin", "dockerfilelint");
            Assert.True(File.Exists(path), $"{path} is missing: run npm install (./fjord.sh test does)");
            return path;
        }
    }

    [Fact]
    public async Task DockerfileLintFindsNothing()
    {
        var run = await ProcessRun.RunAsync(Linter, ["--json", DockerfilePath], RepositoryPaths.Root, TimeSpan.FromMinutes(1));
        var report = JsonNode.Parse(run.Output)!;
        Assert.True(run.ExitCode == 0 && (int)report["totalIssues"]! == 0, $"dockerfilelint:\n{run.Output}{run.Error}");
    }

    [Fact]
    public async Task DockerfileLintRefusesAFlawedDockerfile()
    {
        var flawed = Path.Combine(Path.GetTempPath(), $"fjord-{Guid.NewGuid():N}.Dockerfile");
        await File.WriteAllTextAsync(flawed, "FROM ubuntu\nRUN apt-get install curl\n");
        try
        {
            var run = await ProcessRun.RunAsync(Linter, ["--json", flawed], RepositoryPaths.Root, TimeSpan.FromMinutes(1));
            Assert.True((int)JsonNode.Parse(run.Output)!["totalIssues"]! > 0, run.Output);
        }
        finally
        {
            File.Delete(flawed);
        }
    }

    [Fact]
    public void EveryCopiedPathExistsInTheBuildContextAndIsNotIgnored()
    {
        var ignored = File.ReadAllLines(Path.Combine(RepositoryPaths.Root, ".dockerignore"))
            .Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#') && !l.Contains('*', StringComparison.Ordinal))
            .Select(l => l.TrimEnd('/') + "/").ToList();
        var copies = Instructions().Where(i => i.Keyword == "COPY" && !i.Arguments.StartsWith("--from", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(copies);
        foreach (var copy in copies)
        {
            var words = copy.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            foreach (var source in words[..^1])
            {
                var path = Path.Combine(RepositoryPaths.Root, source);
                Assert.True(File.Exists(path) || Directory.Exists(path), $"line {copy.Line}: COPY {source} does not exist");
                Assert.DoesNotContain(ignored, prefix => (source.TrimEnd('/') + "/").StartsWith(prefix, StringComparison.Ordinal));
            }
        }
    }

    [Fact]
    public void TheRestoreLayerHasEveryProjectTheBrokerReferences()
    {
        var copied = Instructions().TakeWhile(i => !(i.Keyword == "RUN" && i.Arguments.Contains("dotnet restore", StringComparison.Ordinal)))
            .Where(i => i.Keyword == "COPY").SelectMany(i => i.Arguments.Split(' ')[..^1]).ToHashSet(StringComparer.Ordinal);
        foreach (var project in BrokerProjects())
            Assert.True(copied.Contains(project), $"{project} is not copied before dotnet restore");
    }

    [Fact]
    public void TheImageIsMultiStageAndRunsTheBrokerAsANonRootUser()
    {
        var instructions = Instructions();
        var froms = instructions.Where(i => i.Keyword == "FROM").Select(i => i.Arguments).ToList();
        Assert.Equal(2, froms.Count);
        Assert.StartsWith("mcr.microsoft.com/dotnet/sdk:10.0", froms[0], StringComparison.Ordinal);
        Assert.StartsWith("mcr.microsoft.com/dotnet/aspnet:10.0", froms[1], StringComparison.Ordinal);
        Assert.Contains(instructions, i => i.Stage == 0 && i.Keyword == "RUN" && i.Arguments.Contains("dotnet publish broker/src/Fjord.Broker/Fjord.Broker.csproj -c Release", StringComparison.Ordinal));

        var final = instructions.Where(i => i.Stage == 1).ToList();
        var user = final.Last(i => i.Keyword == "USER").Arguments;
        Assert.DoesNotContain(user.Split(':')[0], new[] { "root", "0" });
        Assert.True(final.FindLastIndex(i => i.Keyword == "USER") > final.FindLastIndex(i => i.Keyword == "RUN"), "USER must follow the last RUN, so the broker, not just some build step, runs as the non-root user");
        Assert.Equal("[\"dotnet\", \"Fjord.Broker.dll\"]", final.Single(i => i.Keyword == "ENTRYPOINT").Arguments);
    }

    [Fact]
    public void TheImageHasAHealthCheckOnTheOperatorEndpointAndAVolumeForTheLog()
    {
        var final = Instructions().Where(i => i.Stage == 1).ToList();
        var env = string.Join(' ', final.Where(i => i.Keyword == "ENV").Select(i => i.Arguments));
        Assert.Contains("FJORD_FJORD_ADMIN_LISTENER=http://0.0.0.0:8080", env, StringComparison.Ordinal);
        Assert.Contains("FJORD_LOG_DIRS=/var/lib/fjord/logs", env, StringComparison.Ordinal);
        var health = final.Single(i => i.Keyword == "HEALTHCHECK").Arguments;
        Assert.Contains("/dev/tcp/127.0.0.1/8080", health, StringComparison.Ordinal);
        Assert.Contains("GET /health/ready", health, StringComparison.Ordinal);
        Assert.Contains("/var/lib/fjord/logs", final.Single(i => i.Keyword == "VOLUME").Arguments, StringComparison.Ordinal);
        var exposed = final.Single(i => i.Keyword == "EXPOSE").Arguments.Split(' ');
        Assert.Contains("8080", exposed);
        Assert.Contains("9093", exposed);
    }

    /// <summary>Fjord.Broker.csproj and every project it references, transitively, as repository-relative paths.</summary>
    private static SortedSet<string> BrokerProjects()
    {
        var seen = new SortedSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([Path.Combine(RepositoryPaths.Root, "broker", "src", "Fjord.Broker", "Fjord.Broker.csproj")]);
        while (pending.TryPop(out var project))
        {
            if (!seen.Add(Path.GetRelativePath(RepositoryPaths.Root, project))) continue;
            foreach (var reference in XDocument.Load(project).Descendants("ProjectReference"))
                pending.Push(Path.GetFullPath(Path.Combine(Path.GetDirectoryName(project)!, (string)reference.Attribute("Include")!)));
        }
        return seen;
    }
}
