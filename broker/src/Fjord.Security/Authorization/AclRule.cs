using System.Net;

namespace Fjord.Security.Authorization;

/// <summary>
/// One access control entry compiled for matching: the host parsed once, so a decision compares addresses
/// instead of formatting the client's address as text for every ACL.
/// </summary>
internal sealed class AclRule
{
    public const string WildcardPrincipal = "User:*";

    private readonly bool _anyHost;
    private readonly IPAddress? _host;

    public AclRule(AccessControlEntry entry)
    {
        Principal = entry.Principal;
        Operation = entry.Operation;
        PermissionType = entry.PermissionType;
        _anyHost = string.Equals(entry.Host, AccessControlEntry.WildcardHost, StringComparison.Ordinal);
        // Validation refuses other hosts on create; one that reached storage anyway matches no client rather than failing a load.
        if (!_anyHost && IPAddress.TryParse(entry.Host, out var address))
            _host = ClientAddress.Normalize(address);
    }

    public string Principal { get; }

    public AclOperation Operation { get; }

    public AclPermissionType PermissionType { get; }

    /// <summary>Kafka's rule: the exact principal, or <c>User:*</c> for every principal.</summary>
    /// <param name="tenantWildcard">For a tenant's principal, its tenant's <c>User:id.*</c>: matched instead of <c>User:*</c>.</param>
    public bool MatchesPrincipal(string principal, string? tenantWildcard = null) =>
        string.Equals(Principal, principal, StringComparison.Ordinal)
        || string.Equals(Principal, tenantWildcard ?? WildcardPrincipal, StringComparison.Ordinal);

    /// <param name="host">Already normalized (<see cref="ClientAddress.Normalize"/>).</param>
    public bool MatchesHost(IPAddress host) => _anyHost || (_host is not null && _host.Equals(host));

    /// <summary>
    /// Kafka's rule: a Deny applies to its own operation or, as All, to every operation; an Allow of Read,
    /// Write, Delete or Alter also allows Describe, and an Allow of AlterConfigs also allows DescribeConfigs.
    /// </summary>
    public bool MatchesOperation(AclOperation requested)
    {
        if (Operation == AclOperation.All || Operation == requested) return true;
        if (PermissionType != AclPermissionType.Allow) return false;
        return requested switch
        {
            AclOperation.Describe => Operation is AclOperation.Read or AclOperation.Write or AclOperation.Delete or AclOperation.Alter,
            AclOperation.DescribeConfigs => Operation == AclOperation.AlterConfigs,
            _ => false,
        };
    }
}
