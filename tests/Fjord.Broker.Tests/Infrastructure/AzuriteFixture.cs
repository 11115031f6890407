using Fjord.Testing;

namespace Fjord.Broker.Tests.Infrastructure;

/// <summary>One Azurite for the whole broker test collection; every broker gets its own table.</summary>
[CollectionDefinition(Name)]
public sealed class BrokerCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "broker";
}
