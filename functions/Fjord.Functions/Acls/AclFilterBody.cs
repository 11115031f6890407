using System.Text.Json.Serialization;
using Fjord.Functions.Http;
using Fjord.Security.Authorization;

namespace Fjord.Functions.Acls;

/// <summary>
/// An ACL filter, as a DELETE body or as query parameters of the same names, with Kafka's filter rules: a field
/// left out matches anything; <c>patternType</c> Match takes in the <c>*</c> and prefixed bindings that apply to the
/// name. Names are the tenant's, as in <see cref="AclBindingBody"/>.
/// </summary>
public sealed record AclFilterBody(
    string? ResourceType = null,
    string? ResourceName = null,
    string? PatternType = null,
    string? Principal = null,
    string? Host = null,
    string? Operation = null,
    string? Permission = null) : IRequestBody
{
    /// <summary>The query parameters a filter is read from.</summary>
    public static readonly string[] Fields = ["resourceType", "resourceName", "patternType", "principal", "host", "operation", "permission"];

    public static string Example => """{"resourceType": "Topic", "resourceName": "orders", "principal": "User:bob"} (every field optional; left out matches anything)""";

    [JsonIgnore]
    public bool IsEmpty => this == new AclFilterBody();

    public AclBindingFilter ToFilter() => new(
        ResourceType is null ? Security.Authorization.ResourceType.Any : AclNames.ResourceTypeOf("resourceType", ResourceType, filter: true),
        ResourceName,
        PatternType is null ? Security.Authorization.PatternType.Any : AclNames.PatternTypeOf("patternType", PatternType, filter: true),
        Principal,
        Host,
        Operation is null ? AclOperation.Any : AclNames.OperationOf("operation", Operation, filter: true),
        Permission is null ? AclPermissionType.Any : AclNames.PermissionOf("permission", Permission, filter: true));
}
