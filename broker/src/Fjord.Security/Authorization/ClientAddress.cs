using System.Net;

namespace Fjord.Security.Authorization;

/// <summary>
/// One form per address for host matching: a dual-mode socket reports an IPv4 client as ::ffff:a.b.c.d, while an
/// operator writes the ACL host as a.b.c.d (Kafka, on IPv4 sockets, sees the plain IPv4 address).
/// </summary>
internal static class ClientAddress
{
    public static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}
