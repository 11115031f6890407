using System.Globalization;
using Fjord.Testing;

namespace Fjord.Broker.Tests.Protocol;

/// <summary>
/// One broker shared by every test of a protocol test class: each test case works on topics
/// named after its API and version, so the cases cannot see each other's data. The broker is
/// stopped when the class is done.
/// </summary>
public sealed class ProtocolBrokerFixture(AzuriteFixture azurite) : FjordTestClusterFixture
{
    /// <summary>Small enough that a test can send a frame just over it without allocating 100 MiB.</summary>
    public const int SocketRequestMaxBytes = 1024 * 1024;

    protected override FjordTestClusterOptions Options => new()
    {
        Azurite = azurite.Host,
        Settings = new Dictionary<string, string> { ["socket.request.max.bytes"] = SocketRequestMaxBytes.ToString(CultureInfo.InvariantCulture) },
    };
}
