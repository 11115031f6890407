using System.Text.Json.Serialization;
using Fjord.Functions.Http;

namespace Fjord.Functions.Acls;

/// <summary>The body of <c>POST /api/v1/tenants/{tenant}/acls</c>: one binding, or <c>{"bindings": [...]}</c> for a batch.</summary>
[JsonConverter(typeof(CreateAclsBodyConverter))]
public sealed record CreateAclsBody(IReadOnlyList<AclBindingBody> Bindings) : IRequestBody
{
    public static string Example => AclBindingBody.Example + ", or {\"bindings\": [" + AclBindingBody.Example + ", ...]}";
}
