namespace Fjord.ControlPlane.Users;

/// <summary>A user with the password it was just given. The store keeps only salted SCRAM keys, so this is the one time it is seen.</summary>
public sealed record CreatedUser(TenantUser User, string Password)
{
    // The password stays out of anything that prints the record (logs, exceptions, test output).
    public override string ToString() => $"CreatedUser {{ User = {User} }}";
}
