using Fjord.Testing;

namespace Fjord.Broker.Tests.Idempotence;

/// <summary>One in-process broker for the raw producer-state tests; each test uses its own topic.</summary>
public sealed class ProducerStateBrokerFixture(AzuriteFixture azurite) : FjordTestClusterFixture
{
    protected override FjordTestClusterOptions Options => new() { Azurite = azurite.Host };
}
