using Fjord.Security.Authorization;
using Fjord.Security.Tenancy;

namespace Fjord.Broker.Handlers.Acls;

/// <summary>Makes a write visible to this broker's authorizer before the client hears it succeeded.</summary>
internal static class AclRefresh
{
    public static async Task AfterWriteAsync(AclCache cache, CancellationToken ct)
    {
        try
        {
            await cache.RefreshAsync(ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The write is durable; failing the request now would make a client retry what already happened.
            // The cache's poll loop picks the change up (and logs the store's trouble) within its interval.
        }
    }
}
