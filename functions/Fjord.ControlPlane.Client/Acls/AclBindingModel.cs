using System.Text.Json.Serialization;

namespace Fjord.ControlPlane.Client.Acls;

/// <summary>
/// An ACL binding in the tenant's names and Kafka's enum names: resource <c>Topic</c> <c>orders</c> (or <c>*</c>; a
/// <c>Cluster</c> is <c>kafka-cluster</c>), pattern <c>Literal</c> or <c>Prefixed</c>, principal <c>User:app1</c> or
/// <c>User:*</c>, host <c>*</c>, operation <c>Read</c>, permission <c>Allow</c> or <c>Deny</c>. <see cref="Created"/> is
/// set only in the answer to a create: whether that call made the binding (false: it existed already).
/// </summary>
public sealed record AclBindingModel(
    string ResourceType,
    string ResourceName,
    string Principal,
    string Operation,
    string PatternType = "Literal",
    string Host = "*",
    string Permission = "Allow",
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? Created = null);
