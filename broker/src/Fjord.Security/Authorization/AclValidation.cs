using System.Net;
using Fjord.Security.Principals;

namespace Fjord.Security.Authorization;

/// <summary>
/// What CreateAcls, DescribeAcls and DeleteAcls refuse with INVALID_REQUEST, as Kafka does (plus hosts that can
/// never match a client). Each check returns null for a valid value, else the message for the client.
/// </summary>
public static class AclValidation
{
    /// <summary>Why a binding cannot be stored, or null when it can.</summary>
    public static string? ValidateBinding(AclBinding binding)
    {
        ArgumentNullException.ThrowIfNull(binding);
        var (pattern, entry) = (binding.Pattern, binding.Entry);
        if (!IsConcrete(pattern.ResourceType))
            return $"Invalid resource type {Describe(pattern.ResourceType)}: an ACL names a concrete resource type.";
        if (pattern.PatternType is not (PatternType.Literal or PatternType.Prefixed))
            return $"Invalid pattern type {Describe(pattern.PatternType)}: an ACL's pattern is LITERAL or PREFIXED.";
        if (!IsConcrete(entry.Operation))
            return $"Invalid operation {Describe(entry.Operation)}: an ACL names a concrete operation.";
        if (entry.PermissionType is not (AclPermissionType.Allow or AclPermissionType.Deny))
            return $"Invalid permission type {Describe(entry.PermissionType)}: an ACL allows or denies.";
        if (string.IsNullOrEmpty(pattern.Name))
            return "Resource name should not be empty.";
        if (pattern.ResourceType == ResourceType.Cluster && !string.Equals(pattern.Name, ResourcePattern.ClusterResourceName, StringComparison.Ordinal))
            return $"The only valid name for the CLUSTER resource is {ResourcePattern.ClusterResourceName}.";
        if (!KafkaPrincipal.TryParse(entry.Principal, out _))
            return $"Could not parse principal '{entry.Principal}': it must be Type:Name (e.g. User:alice).";
        if (!IsValidHost(entry.Host))
            return $"Invalid host '{entry.Host}': an ACL's host is * or an IP address.";
        return null;
    }

    /// <summary>Why a DescribeAcls or DeleteAcls filter cannot be used, or null when it can.</summary>
    public static string? ValidateFilter(AclBindingFilter filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        if (filter.ResourceType == ResourceType.Unknown || !Enum.IsDefined(filter.ResourceType))
            return $"Invalid resource type filter {Describe(filter.ResourceType)}.";
        if (filter.PatternType == PatternType.Unknown || !Enum.IsDefined(filter.PatternType))
            return $"Invalid pattern type filter {Describe(filter.PatternType)}.";
        if (filter.Operation == AclOperation.Unknown || !Enum.IsDefined(filter.Operation))
            return $"Invalid operation filter {Describe(filter.Operation)}.";
        if (filter.PermissionType == AclPermissionType.Unknown || !Enum.IsDefined(filter.PermissionType))
            return $"Invalid permission type filter {Describe(filter.PermissionType)}.";
        return null;
    }

    /// <summary>
    /// An ACL's host: <c>*</c> or an address literal (Kafka matches the client's address; a host name never
    /// matches). IPv4 must be dotted-quad: .NET would also read "10.1" or "1" as addresses, nobody means those.
    /// </summary>
    public static bool IsValidHost(string? host)
    {
        if (host is null) return false;
        if (string.Equals(host, AccessControlEntry.WildcardHost, StringComparison.Ordinal)) return true;
        if (!IPAddress.TryParse(host, out var address)) return false;
        return address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 || host.AsSpan().Count('.') == 3;
    }

    private static bool IsConcrete(ResourceType type) => type is not (ResourceType.Unknown or ResourceType.Any) && Enum.IsDefined(type);

    private static bool IsConcrete(AclOperation operation) => operation is not (AclOperation.Unknown or AclOperation.Any) && Enum.IsDefined(operation);

    private static string Describe<T>(T value)
        where T : struct, Enum =>
        Enum.IsDefined(value) ? value.ToString().ToUpperInvariant() : $"code {Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture)}";
}
