using Fjord.Functions.Http;
using Fjord.Security.Authorization;

namespace Fjord.Functions.Acls;

/// <summary>
/// One ACL binding on the wire, in the tenant's names: <c>resourceName</c> <c>orders</c> (or <c>*</c>, or for a
/// Cluster <c>kafka-cluster</c>), <c>principal</c> <c>User:bob</c> or <c>User:*</c>. The pattern type defaults to
/// Literal, the host to <c>*</c> and the permission to Allow.
/// </summary>
public sealed record AclBindingBody(
    string ResourceType,
    string ResourceName,
    string Principal,
    string Operation,
    string PatternType = "Literal",
    string Host = AccessControlEntry.WildcardHost,
    string Permission = "Allow") : IRequestBody
{
    public static string Example =>
        """{"resourceType": "Topic", "resourceName": "orders", "patternType": "Literal", "principal": "User:bob", "host": "*", "operation": "Write", "permission": "Allow"}""";

    /// <summary>The binding in the tenant's names; a 400 naming the field when an enum value is not Kafka's.</summary>
    public AclBinding ToBinding(string path) => new(
        new ResourcePattern(
            AclNames.ResourceTypeOf(path + "resourceType", ResourceType, filter: false),
            ResourceName,
            AclNames.PatternTypeOf(path + "patternType", PatternType, filter: false)),
        new AccessControlEntry(
            Principal,
            Host,
            AclNames.OperationOf(path + "operation", Operation, filter: false),
            AclNames.PermissionOf(path + "permission", Permission, filter: false)));
}
