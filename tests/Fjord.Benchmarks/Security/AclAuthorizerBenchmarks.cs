using System.Net;
using BenchmarkDotNet.Attributes;
using Fjord.Security.Authorization;
using Fjord.Security.Principals;

namespace Fjord.Benchmarks.Security;

/// <summary>
/// An authorization decision against 10,000 ACLs (literal, prefixed, wildcard, host-scoped, deny): answered from
/// the decision cache, as every request after a client's first is (target under 1 µs and 0 bytes), and computed
/// from the snapshot's index, as a first request or the first after an ACL change is.
/// </summary>
[MemoryDiagnoser]
public class AclAuthorizerBenchmarks
{
    private const int AclCount = 10_000;

    private readonly KafkaPrincipal _principal = KafkaPrincipal.User("user42");
    private readonly IPAddress _host = IPAddress.Parse("10.1.2.3");
    private readonly string _prefixedTopic = "team42-orders";
    private readonly string _literalTopic = "topic-4242";
    private AclAuthorizer _authorizer = null!;

    [GlobalSetup]
    public void Setup()
    {
        _authorizer = new AclAuthorizer(new AuthorizerOptions { SuperUsers = AuthorizerOptions.ParseSuperUsers("User:admin") });
        _authorizer.Update(BuildAcls(), version: 1);
        // Warm the cache so the cached benchmarks measure hits only.
        _authorizer.Authorize(_principal, _host, AclOperation.Read, ResourceType.Topic, _prefixedTopic);
        _authorizer.Authorize(_principal, _host, AclOperation.Write, ResourceType.Topic, _literalTopic);
        if (_authorizer.AclCount != AclCount) throw new InvalidOperationException($"Built {_authorizer.AclCount} ACLs, wanted {AclCount}.");
    }

    [Benchmark(Baseline = true)]
    public bool CachedPrefixedRead() => _authorizer.Authorize(_principal, _host, AclOperation.Read, ResourceType.Topic, _prefixedTopic);

    [Benchmark]
    public bool CachedLiteralWrite() => _authorizer.Authorize(_principal, _host, AclOperation.Write, ResourceType.Topic, _literalTopic);

    [Benchmark]
    public bool UncachedPrefixedRead() => _authorizer.AuthorizeUncached(_principal, _host, AclOperation.Read, ResourceType.Topic, _prefixedTopic);

    [Benchmark]
    public bool UncachedLiteralWrite() => _authorizer.AuthorizeUncached(_principal, _host, AclOperation.Write, ResourceType.Topic, _literalTopic);

    private static List<AclBinding> BuildAcls()
    {
        var acls = new List<AclBinding>(AclCount);
        // 6,000 literal topic ACLs, Read and Write for 500 users.
        for (var i = 0; i < 6_000; i++)
            acls.Add(Acl(ResourceType.Topic, $"topic-{i}", PatternType.Literal, $"User:user{i % 500}", i % 2 == 0 ? AclOperation.Read : AclOperation.Write, AclPermissionType.Allow));
        // 2,000 prefixed topic ACLs of several prefix lengths, some host-scoped.
        for (var i = 0; i < 2_000; i++)
            acls.Add(Acl(ResourceType.Topic, i % 4 == 0 ? $"t{i}" : $"team{i}-", PatternType.Prefixed, $"User:user{i % 500}", AclOperation.Read, AclPermissionType.Allow, i % 10 == 0 ? $"10.1.{i % 256}.3" : "*"));
        // 1,000 literal group ACLs.
        for (var i = 0; i < 1_000; i++)
            acls.Add(Acl(ResourceType.Group, $"group-{i}", PatternType.Literal, $"User:user{i % 500}", AclOperation.Read, AclPermissionType.Allow));
        // 500 denies: literal and prefixed.
        for (var i = 0; i < 500; i++)
            acls.Add(Acl(ResourceType.Topic, i % 2 == 0 ? $"topic-{i * 7}" : $"secret-{i}-", i % 2 == 0 ? PatternType.Literal : PatternType.Prefixed, $"User:user{(i + 1) % 500}", AclOperation.Write, AclPermissionType.Deny));
        // 500 wildcard-resource and wildcard-principal ACLs on other operations and types.
        for (var i = 0; i < 500; i++)
            acls.Add(Acl(i % 2 == 0 ? ResourceType.Topic : ResourceType.TransactionalId, "*", PatternType.Literal, i % 5 == 0 ? "User:*" : $"User:svc{i}", i % 3 == 0 ? AclOperation.Describe : AclOperation.DescribeConfigs, AclPermissionType.Allow, $"10.2.{i % 256}.{i / 256}"));
        return acls;
    }

    private static AclBinding Acl(ResourceType type, string name, PatternType pattern, string principal, AclOperation operation, AclPermissionType permission, string host = "*") =>
        new(new ResourcePattern(type, name, pattern), new AccessControlEntry(principal, host, operation, permission));
}
