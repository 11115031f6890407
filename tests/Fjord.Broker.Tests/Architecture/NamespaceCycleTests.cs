namespace Fjord.Broker.Tests.Architecture;

/// <summary>
/// The broker's folders are layers: a namespace may use another only if that one does not, directly or
/// through others, use it back. A loop means two folders are one concern split in two, or a lower layer
/// reaching up (the old Server/ folder, with the composition root next to the plumbing everything used).
/// References are read from signatures and IL, so a fully qualified name counts as much as a using.
/// </summary>
public sealed class NamespaceCycleTests
{
    [Fact]
    public void NamespacesInsideTheBrokerFormNoCycle()
    {
        var cycles = Cycles(Dependencies(typeof(KafkaBroker).Assembly.GetTypes()));
        Assert.True(cycles.Count == 0, "namespaces of Fjord.Broker loop:\n" + string.Join("\n", cycles));
    }

    [Fact]
    public void TheScanSeesLayersAndTheSearchFindsLoops()
    {
        // Not vacuous: the scan sees the composition root use the handlers and the handlers use the plumbing ...
        var broker = Dependencies(typeof(KafkaBroker).Assembly.GetTypes());
        Assert.Contains("Fjord.Broker.Handlers", broker["Fjord.Broker"].Keys);
        Assert.Contains("Fjord.Broker.Network", broker["Fjord.Broker.Handlers"].Keys);
        // ... and the search reports a loop through three namespaces, and only that one.
        var looped = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal)
        {
            ["A"] = new(StringComparer.Ordinal) { ["B"] = "a uses b" },
            ["B"] = new(StringComparer.Ordinal) { ["C"] = "b uses c" },
            ["C"] = new(StringComparer.Ordinal) { ["A"] = "c uses a", ["D"] = "c uses d" },
            ["D"] = new(StringComparer.Ordinal),
        };
        Assert.StartsWith("A <-> B <-> C", Assert.Single(Cycles(looped)), StringComparison.Ordinal);
    }

    /// <summary>Namespace → the namespaces it uses, each with one reference that shows it.</summary>
    private static Dictionary<string, Dictionary<string, string>> Dependencies(IEnumerable<Type> types)
    {
        var assemblies = types.Select(t => t.Assembly).ToHashSet();
        var graph = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        foreach (var type in types)
        {
            // Program's top-level statements and compiler helpers live in the global namespace.
            if (TypeReferences.TopLevel(type).Namespace is not { } from) continue;
            var edges = graph.TryGetValue(from, out var known) ? known : graph[from] = new(StringComparer.Ordinal);
            foreach (var (site, target) in TypeReferences.Of(type))
                foreach (var used in TypeReferences.TypesIn(target))
                    if (assemblies.Contains(used.Assembly) && TypeReferences.TopLevel(used).Namespace is { } to && to != from)
                        edges.TryAdd(to, $"{site} {used}");
        }
        return graph;
    }

    /// <summary>Every strongly connected set of more than one namespace (Tarjan), with the references that close it.</summary>
    private static List<string> Cycles(Dictionary<string, Dictionary<string, string>> graph)
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var low = new Dictionary<string, int>(StringComparer.Ordinal);
        var stack = new Stack<string>();
        var onStack = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<string>();

        void Visit(string node)
        {
            index[node] = low[node] = index.Count;
            stack.Push(node);
            onStack.Add(node);
            foreach (var next in graph.GetValueOrDefault(node)?.Keys ?? Enumerable.Empty<string>())
            {
                if (!index.TryGetValue(next, out var seen))
                {
                    Visit(next);
                    low[node] = Math.Min(low[node], low[next]);
                }
                else if (onStack.Contains(next))
                {
                    low[node] = Math.Min(low[node], seen);
                }
            }
            if (low[node] != index[node]) return;
            var component = new List<string>();
            string member;
            do
            {
                member = stack.Pop();
                onStack.Remove(member);
                component.Add(member);
            }
            while (member != node);
            if (component.Count < 2) return;
            var inside = component.ToHashSet(StringComparer.Ordinal);
            var edges = component.SelectMany(c => graph[c].Where(e => inside.Contains(e.Key)).Select(e => $"  {c} -> {e.Key}: {e.Value}"));
            result.Add($"{string.Join(" <-> ", component.Order(StringComparer.Ordinal))}\n{string.Join("\n", edges)}");
        }

        foreach (var node in graph.Keys.Order(StringComparer.Ordinal).ToList())
            if (!index.ContainsKey(node)) Visit(node);
        return result;
    }
}
