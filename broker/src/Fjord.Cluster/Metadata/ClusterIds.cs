using System.Buffers.Text;

namespace Fjord.Cluster;

internal static class ClusterIds
{
    /// <summary>Kafka's Uuid.toString: the 16 bytes, most significant first, as unpadded base64url (22 chars).</summary>
    public static string NewClusterId()
    {
        Span<byte> bytes = stackalloc byte[16];
        Guid.NewGuid().TryWriteBytes(bytes, bigEndian: true, out _);
        return Base64Url.EncodeToString(bytes);
    }
}
