using System.CommandLine;

namespace Fjord.Cli;

/// <summary>
/// The resources an ACL command names, as kafka-acls names them: <c>--topic</c>, <c>--group</c>,
/// <c>--transactional-id</c> (each repeatable) and <c>--cluster</c>; <c>--prefixed</c> makes the names prefixes.
/// </summary>
internal sealed class AclResourceOptions
{
    /// <summary>The tenant's own cluster resource, as the API names it.</summary>
    public const string ClusterName = "kafka-cluster";

    private readonly Option<string[]> _topics = Names("--topic", "topic");
    private readonly Option<string[]> _groups = Names("--group", "consumer group");
    private readonly Option<string[]> _transactionalIds = Names("--transactional-id", "transactional id");
    private readonly Option<bool> _cluster = new("--cluster") { Description = "The tenant's cluster resource (kafka-cluster)" };
    private readonly Option<bool> _prefixed = new("--prefixed") { Description = "The names are prefixes: the ACL covers every resource whose name starts so" };

    public void AddTo(Command command)
    {
        command.Add(_topics);
        command.Add(_groups);
        command.Add(_transactionalIds);
        command.Add(_cluster);
        command.Add(_prefixed);
    }

    public bool Prefixed(ParseResult parsed) => parsed.GetValue(_prefixed);

    /// <summary>Every (resource type, name) named, in the API's names.</summary>
    public List<(string Type, string Name)> Read(ParseResult parsed)
    {
        var resources = new List<(string, string)>();
        resources.AddRange(parsed.GetRequiredValue(_topics).Select(n => ("Topic", n)));
        resources.AddRange(parsed.GetRequiredValue(_groups).Select(n => ("Group", n)));
        resources.AddRange(parsed.GetRequiredValue(_transactionalIds).Select(n => ("TransactionalId", n)));
        if (parsed.GetValue(_cluster)) resources.Add(("Cluster", ClusterName));
        return resources;
    }

    private static Option<string[]> Names(string name, string what) => new(name)
    {
        Description = $"A {what} of the tenant, in its own name ('*': every one); repeat for more",
        Arity = ArgumentArity.ZeroOrMore,
        DefaultValueFactory = _ => [],
    };
}
