using System.Xml.Linq;
using Fjord.Testing;

namespace Fjord.Broker.Tests.Architecture;

/// <summary>
/// The module graph of <c>broker/src</c>, read from the project files: a project reference is what the
/// compiler enforces, so a dependency this test does not allow is a design change and must be made
/// here, on purpose, not slipped in with a using.
/// </summary>
public sealed class ProjectReferenceTests
{
    private const string Protocol = "Fjord.Protocol";
    private const string Log = "Fjord.Log";
    private const string Cluster = "Fjord.Cluster";
    private const string Tiering = "Fjord.Tiering";
    private const string Controller = "Fjord.Controller";
    private const string Groups = "Fjord.Groups";
    private const string Transactions = "Fjord.Transactions";
    private const string Security = "Fjord.Security";
    private const string Broker = "Fjord.Broker";

    /// <summary>What each project may reference directly. Fjord.Broker is the composition root and may reference all.</summary>
    private static readonly Dictionary<string, string[]> Allowed = new(StringComparer.Ordinal)
    {
        [Protocol] = [],
        [Log] = [],
        [Cluster] = [],
        [Tiering] = [Log, Cluster],
        [Controller] = [Protocol, Cluster],
        [Groups] = [Protocol, Cluster],
        [Transactions] = [Protocol, Cluster],
        // Principals, authentication, ACLs and TLS: pure logic plus its own Table storage, used by the broker only.
        [Security] = [],
        [Broker] = [Protocol, Log, Cluster, Tiering, Controller, Groups, Transactions, Security],
    };

    [Fact]
    public void EveryBrokerProjectHasADeclaredPlaceInTheGraph()
    {
        var projects = ReadProjects();

        Assert.Equal(Allowed.Keys.Order(StringComparer.Ordinal), projects.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void ProjectsReferenceOnlyWhatTheGraphAllows()
    {
        var projects = ReadProjects();

        foreach (var (project, references) in projects)
        {
            var forbidden = references.Except(Allowed.GetValueOrDefault(project, []), StringComparer.Ordinal).ToList();
            Assert.True(forbidden.Count == 0, $"{project} references {string.Join(", ", forbidden)}, which the module graph does not allow");
        }
    }

    [Fact]
    public void ProtocolAndLogDependOnNothingOfOurs()
    {
        var projects = ReadProjects();

        Assert.Empty(projects[Protocol]);
        Assert.Empty(projects[Log]);
    }

    [Theory]
    [InlineData(Controller)]
    [InlineData(Groups)]
    [InlineData(Transactions)]
    public void ControllerAndCoordinatorsReachNeitherTheBrokerNorTheLog(string project)
    {
        var reachable = Reachable(ReadProjects(), project);

        Assert.DoesNotContain(Broker, reachable);
        Assert.DoesNotContain(Log, reachable);
        Assert.DoesNotContain(Tiering, reachable);
    }

    [Fact]
    public void NoProjectReachesItself()
    {
        var projects = ReadProjects();

        foreach (var project in projects.Keys)
        {
            Assert.DoesNotContain(project, Reachable(projects, project));
        }
    }

    /// <summary>Every project under broker/src with the projects it references, by name.</summary>
    private static Dictionary<string, IReadOnlyList<string>> ReadProjects()
    {
        var src = Path.Combine(RepositoryRoot.Find(), "broker", "src");
        var projects = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(src, "*.csproj", SearchOption.AllDirectories))
        {
            if (file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                || file.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            {
                continue;
            }

            projects[Path.GetFileNameWithoutExtension(file)] = XDocument.Load(file)
                .Descendants("ProjectReference")
                .Select(r => (string?)r.Attribute("Include") ?? "")
                .Select(include => Path.GetFileNameWithoutExtension(include.Replace('\\', '/')))
                .ToList();
        }

        return projects;
    }

    /// <summary>Projects reachable from <paramref name="start"/> through one or more references.</summary>
    private static HashSet<string> Reachable(Dictionary<string, IReadOnlyList<string>> projects, string start)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>(projects.GetValueOrDefault(start, []));
        while (pending.TryPop(out var next))
        {
            if (seen.Add(next))
            {
                foreach (var reference in projects.GetValueOrDefault(next, []))
                {
                    pending.Push(reference);
                }
            }
        }

        return seen;
    }
}
