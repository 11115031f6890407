using System.Net;
using Fjord.Security.Authorization;
using Fjord.Security.Principals;

namespace Fjord.Security.Tests.Authorization;

/// <summary>Short ways to write the ACLs and principals the tests talk about.</summary>
internal static class Acls
{
    public static readonly IPAddress ClientHost = IPAddress.Parse("10.0.0.1");
    public static readonly IPAddress OtherHost = IPAddress.Parse("10.0.0.2");
    public static readonly KafkaPrincipal Alice = KafkaPrincipal.User("alice");
    public static readonly KafkaPrincipal Bob = KafkaPrincipal.User("bob");

    public static AclBinding Allow(string principal, AclOperation operation, ResourceType type, string name, PatternType pattern = PatternType.Literal, string host = "*") =>
        new(new ResourcePattern(type, name, pattern), new AccessControlEntry(principal, host, operation, AclPermissionType.Allow));

    public static AclBinding Deny(string principal, AclOperation operation, ResourceType type, string name, PatternType pattern = PatternType.Literal, string host = "*") =>
        new(new ResourcePattern(type, name, pattern), new AccessControlEntry(principal, host, operation, AclPermissionType.Deny));

    public static AclBinding AllowTopic(string principal, AclOperation operation, string name, PatternType pattern = PatternType.Literal, string host = "*") =>
        Allow(principal, operation, ResourceType.Topic, name, pattern, host);

    public static AclBinding DenyTopic(string principal, AclOperation operation, string name, PatternType pattern = PatternType.Literal, string host = "*") =>
        Deny(principal, operation, ResourceType.Topic, name, pattern, host);

    public static AclAuthorizer Authorizer(params AclBinding[] acls) => Authorizer(new AuthorizerOptions(), acls);

    public static AclAuthorizer Authorizer(AuthorizerOptions options, params AclBinding[] acls)
    {
        var authorizer = new AclAuthorizer(options);
        authorizer.Update(acls, version: 1);
        return authorizer;
    }
}
