using System.Text.Json.Serialization;

namespace Fjord.ControlPlane.Client.Users;

/// <summary>
/// A SCRAM user as the API shows it: its name in the tenant (<c>app1</c>), the SASL <see cref="Username"/> a client
/// logs in with (<c>acme.app1</c>) and its credentials. <see cref="Password"/> is present only in the answer that
/// created the user or reset its password.
/// </summary>
public sealed record UserModel(
    string Name,
    string Username,
    IReadOnlyList<UserCredentialModel> Credentials,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Password = null)
{
    [JsonIgnore]
    public string? ETag { get; init; }

    // The password stays out of anything that prints the record (logs, exceptions, test output).
    public override string ToString() => $"UserModel {{ Name = {Name}, Username = {Username} }}";
}
