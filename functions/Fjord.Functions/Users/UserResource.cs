using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Serialization;
using Fjord.ControlPlane.Users;
using Fjord.Security.Credentials;

namespace Fjord.Functions.Users;

/// <summary>
/// A user as the API shows it: its name in the tenant, the SASL username a client logs in with, and its
/// credentials' mechanisms. <see cref="Password"/> is present only in the answer that created the user or reset
/// its password.
/// </summary>
public sealed record UserResource(
    string Name,
    string Username,
    IReadOnlyList<UserCredentialResource> Credentials,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Password = null)
{
    public static UserResource From(TenantUser user, string? password = null)
    {
        ArgumentNullException.ThrowIfNull(user);
        return new(user.Name, user.Username, [.. user.Credentials.Select(c => new UserCredentialResource(c.Mechanism.MechanismName(), c.Iterations))], password);
    }

    /// <summary>A hash of what the API shows (the password aside): it changes exactly when the representation does.</summary>
    public static string ETagOf(TenantUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var canonical = user.Username + "\n" + string.Join('\n', user.Credentials.Select(c => c.Mechanism.MechanismName() + ":" + c.Iterations.ToString(CultureInfo.InvariantCulture)));
        return "\"" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)))[..32] + "\"";
    }

    // The password stays out of anything that prints the record (logs, exceptions, test output).
    public override string ToString() => $"UserResource {{ Name = {Name}, Username = {Username} }}";
}
