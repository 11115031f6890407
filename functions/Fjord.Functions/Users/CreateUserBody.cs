using Fjord.Functions.Http;

namespace Fjord.Functions.Users;

/// <summary>
/// The optional body of <c>PUT /api/v1/tenants/{tenant}/users/{user}</c>: which SCRAM mechanisms the user gets
/// (default both) and the PBKDF2 rounds of its credentials (default 8192; Kafka's bounds are 4096 to 16384).
/// </summary>
public sealed record CreateUserBody(IReadOnlyList<string>? Mechanisms = null, int? Iterations = null) : IRequestBody
{
    public static string Example => """{"mechanisms": ["SCRAM-SHA-512", "SCRAM-SHA-256"], "iterations": 8192} (both optional)""";
}
