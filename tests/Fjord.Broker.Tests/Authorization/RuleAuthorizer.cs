using System.Collections.Concurrent;
using System.Net;
using Fjord.Security.Authorization;
using Fjord.Security.Principals;

namespace Fjord.Broker.Tests.Authorization;

/// <summary>
/// A rule table standing in for the real ACL authorizer: a principal may do what a rule allows on the named
/// resource (or on "*"), with Kafka's implications (Read, Write, Delete and Alter imply Describe; AlterConfigs
/// implies DescribeConfigs; All implies everything). Every question is recorded, so a test can also see what a
/// handler asked and how often.
/// </summary>
public sealed class RuleAuthorizer : IAuthorizer
{
    private readonly ConcurrentDictionary<(string Principal, AclOperation Operation, ResourceType Type, string Name), bool> _rules = new();

    public ConcurrentQueue<(AclOperation Operation, ResourceType Type, string Name)> Questions { get; } = new();

    public RuleAuthorizer Allow(KafkaPrincipal principal, AclOperation operation, ResourceType type, string name = ResourcePattern.WildcardResource)
    {
        _rules[(principal.ToString(), operation, type, name)] = true;
        return this;
    }

    public RuleAuthorizer AllowCluster(KafkaPrincipal principal, AclOperation operation) =>
        Allow(principal, operation, ResourceType.Cluster, ResourcePattern.ClusterResourceName);

    public void Clear()
    {
        _rules.Clear();
        Questions.Clear();
    }

    public int Asked(AclOperation operation, ResourceType type, string name) =>
        Questions.Count(q => q.Operation == operation && q.Type == type && q.Name == name);

    public bool Authorize(KafkaPrincipal principal, IPAddress host, AclOperation operation, ResourceType resourceType, string resourceName)
    {
        Questions.Enqueue((operation, resourceType, resourceName));
        return Allows(principal, operation, resourceType, resourceName);
    }

    public bool AuthorizeAny(KafkaPrincipal principal, IPAddress host, AclOperation operation, ResourceType resourceType)
    {
        Questions.Enqueue((operation, resourceType, "<any>"));
        var who = principal.ToString();
        return _rules.Keys.Any(r => r.Principal == who && r.Type == resourceType && Implies(r.Operation, operation));
    }

    public int AuthorizedOperations(KafkaPrincipal principal, IPAddress host, ResourceType resourceType, string resourceName, ReadOnlySpan<AclOperation> operations)
    {
        var bits = 0;
        foreach (var operation in operations)
            if (Allows(principal, operation, resourceType, resourceName)) bits |= 1 << (int)operation;
        return bits;
    }

    private bool Allows(KafkaPrincipal principal, AclOperation operation, ResourceType type, string name)
    {
        var who = principal.ToString();
        return _rules.Keys.Any(r => r.Principal == who && r.Type == type && (r.Name == name || r.Name == ResourcePattern.WildcardResource) && Implies(r.Operation, operation));
    }

    private static bool Implies(AclOperation granted, AclOperation wanted) =>
        granted == wanted || granted == AclOperation.All
        || (wanted == AclOperation.Describe && granted is AclOperation.Read or AclOperation.Write or AclOperation.Delete or AclOperation.Alter)
        || (wanted == AclOperation.DescribeConfigs && granted == AclOperation.AlterConfigs);
}
