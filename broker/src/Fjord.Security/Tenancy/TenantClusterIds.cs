using System.Buffers.Text;

namespace Fjord.Security.Tenancy;

/// <summary>The cluster id a tenant's clients see: made once, when the tenant is created, and never changed.</summary>
public static class TenantClusterIds
{
    /// <summary>Kafka's Uuid.toString of a random UUID: its 16 bytes, most significant first, as unpadded base64url (22 chars).</summary>
    public static string New()
    {
        Span<byte> bytes = stackalloc byte[16];
        Guid.NewGuid().TryWriteBytes(bytes, bigEndian: true, out _);
        return Base64Url.EncodeToString(bytes);
    }
}
