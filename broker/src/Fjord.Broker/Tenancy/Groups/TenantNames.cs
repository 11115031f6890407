using Fjord.Security.Tenancy;

namespace Fjord.Broker.Tenancy.Groups;

/// <summary>
/// The group, transaction and user-name translations the rewrites share. An empty name stays empty: the
/// coordinators refuse an empty group or transactional id as Kafka does (INVALID_GROUP_ID, INVALID_REQUEST),
/// where "acme." would have been a real, usable name no client can write.
/// </summary>
internal static class TenantNames
{
    public static string ToStored(TenantScope tenant, string name) => name.Length == 0 ? name : tenant.ToStored(name);

    public static string? ToStoredOrNull(TenantScope tenant, string? name) => name is null ? null : ToStored(tenant, name);

    public static void ToStored(TenantScope tenant, List<string> names)
    {
        for (var i = 0; i < names.Count; i++) names[i] = ToStored(tenant, names[i]);
    }

    /// <summary>The tenant's name for a stored one; false when the stored name is not the tenant's.</summary>
    public static bool TryToClient(TenantScope tenant, string stored, out string name)
    {
        if (stored.Length == 0)
        {
            name = stored;
            return true;
        }
        if (tenant.TryToClient(stored, out var client))
        {
            name = client;
            return true;
        }
        name = "";
        return false;
    }

    /// <summary>
    /// For a name a response echoes from the (rewritten) request, so always the tenant's; should a handler ever
    /// answer with another name, the tenant sees an empty one rather than someone else's.
    /// </summary>
    public static string ToClient(TenantScope tenant, string stored) => TryToClient(tenant, stored, out var name) ? name : "";

    /// <summary>
    /// Keeps the items whose name is the tenant's, renamed to the tenant's names, in their order. A listing
    /// (<paramref name="echoed"/> false) never shows an empty name: no tenant can have made it.
    /// </summary>
    public static void KeepOwn<T>(TenantScope tenant, List<T> items, Func<T, string> name, Action<T, string> rename, bool echoed = true)
    {
        var kept = 0;
        // By index: writing an item back through the list's indexer would end a foreach.
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            var stored = name(item);
            if (!echoed && stored.Length == 0) continue;
            if (!TryToClient(tenant, stored, out var client)) continue;
            rename(item, client);
            items[kept++] = item;
        }
        items.RemoveRange(kept, items.Count - kept);
    }
}
