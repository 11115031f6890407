using System.Net;

namespace Fjord.Security.Authorization;

/// <summary>
/// One question asked of the authorizer. It holds references the caller already has (the principal's cached
/// text, the session's address, the request's resource name), so looking a decision up allocates nothing.
/// A null resource name stands for "any resource of the type" (<see cref="IAuthorizer.AuthorizeAny"/>).
/// </summary>
internal readonly struct DecisionKey(string principal, IPAddress host, AclOperation operation, ResourceType resourceType, string? resourceName)
    : IEquatable<DecisionKey>
{
    public string Principal { get; } = principal;
    public IPAddress Host { get; } = host;
    public AclOperation Operation { get; } = operation;
    public ResourceType ResourceType { get; } = resourceType;
    public string? ResourceName { get; } = resourceName;

    public bool Equals(DecisionKey other) =>
        Operation == other.Operation
        && ResourceType == other.ResourceType
        && string.Equals(ResourceName, other.ResourceName, StringComparison.Ordinal)
        && string.Equals(Principal, other.Principal, StringComparison.Ordinal)
        && (ReferenceEquals(Host, other.Host) || Host.Equals(other.Host));

    public override bool Equals(object? obj) => obj is DecisionKey other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(Principal, Host, (int)Operation, (int)ResourceType, ResourceName);
}
