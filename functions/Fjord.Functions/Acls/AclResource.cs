using System.Text.Json.Serialization;
using Fjord.Security.Authorization;

namespace Fjord.Functions.Acls;

/// <summary>
/// An ACL binding as the API shows it, in the tenant's names and Kafka's enum names. <see cref="Created"/> is set
/// only in the answer to a create: whether that call made the binding (false: it existed already).
/// </summary>
public sealed record AclResource(
    string ResourceType,
    string ResourceName,
    string PatternType,
    string Principal,
    string Host,
    string Operation,
    string Permission,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? Created = null)
{
    public static AclResource From(AclBinding binding, bool? created = null)
    {
        ArgumentNullException.ThrowIfNull(binding);
        var (pattern, entry) = (binding.Pattern, binding.Entry);
        return new(AclNames.Name(pattern.ResourceType), pattern.Name, AclNames.Name(pattern.PatternType), entry.Principal, entry.Host,
            AclNames.Name(entry.Operation), AclNames.Name(entry.PermissionType), created);
    }
}
