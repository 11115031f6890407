using Fjord.Broker.Tests.Tenancy.EndToEnd;
using Fjord.Testing;

namespace Fjord.Broker.Tests.Quotas;

/// <summary>
/// <see cref="TenantClusterFixture"/> over three brokers, so a tenant's clients can be spread over all of them, with a
/// quota table of its own so no other test's quotas apply.
/// </summary>
public sealed class ThreeBrokerTenantClusterFixture(AzuriteFixture azurite) : TenantClusterFixture(azurite)
{
    protected override int BrokerCount => 3;

    protected override FjordTestClusterOptions Options => base.Options.WithSettings(new Dictionary<string, string>
    {
        ["fjord.quota.table"] = FjordTestCluster.NewTableName(),
    });
}
