namespace Fjord.Security.Authorization;

/// <summary>Where ACLs live (Table storage; in memory for unit tests). Every broker reads it; any broker writes it.</summary>
public interface IAclStore
{
    Task InitializeAsync(CancellationToken ct);

    /// <summary>A number that changes whenever an ACL is created or deleted: one cheap read tells a cache to reload.</summary>
    Task<long> ReadVersionAsync(CancellationToken ct);

    /// <summary>Every ACL, and the version they are as of.</summary>
    Task<(IReadOnlyList<AclBinding> Acls, long Version)> LoadAsync(CancellationToken ct);

    /// <summary>Stores the bindings (creating an existing one is a no-op) and moves the version.</summary>
    Task CreateAsync(IReadOnlyList<AclBinding> bindings, CancellationToken ct);

    /// <summary>Deletes every stored binding that matches the filter, moves the version, and returns what it deleted.</summary>
    Task<IReadOnlyList<AclBinding>> DeleteAsync(AclBindingFilter filter, CancellationToken ct);
}
