namespace Fjord.Security.Authorization;

/// <summary>Who may or may not do what, from where: principal (<c>User:*</c> for all), host (<c>*</c> for all), operation, permission.</summary>
public sealed record AccessControlEntry(string Principal, string Host, AclOperation Operation, AclPermissionType PermissionType)
{
    public const string WildcardHost = "*";
}
