using Azure.Data.Tables;
using Fjord.Cluster;
using Fjord.ControlPlane.Groups;
using Fjord.Security.Tenancy;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Fjord.Functions.Groups;

/// <summary>
/// The consumer-group resource's services. Settings: <c>FJORD_OFFSETS_TABLE</c>, the brokers' <c>fjord.offsets.table</c>
/// (default <c>fjordoffsets</c>); <c>FJORD_PARTITION_STATS_TABLE</c>, the brokers' <c>fjord.partition.stats.table</c>
/// (default <c>fjordpartitionstats</c>). The metadata table is the topics resource's.
/// </summary>
public static class GroupServiceCollectionExtensions
{
    public const string OffsetsTableSetting = "FJORD_OFFSETS_TABLE";
    public const string PartitionStatsTableSetting = "FJORD_PARTITION_STATS_TABLE";

    public static IServiceCollection AddFjordGroups(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddSingleton(sp => new GroupAdministration(
            new TableConsumerGroupReader(sp.GetRequiredService<TableServiceClient>(), Setting(configuration, OffsetsTableSetting, TableOffsetStore.DefaultTableName)),
            new TablePartitionStatsStore(sp.GetRequiredService<TableServiceClient>(), Setting(configuration, PartitionStatsTableSetting, TablePartitionStatsStore.DefaultTableName)),
            sp.GetRequiredService<TableMetadataStore>(),
            sp.GetRequiredService<ITenantStore>(),
            sp.GetRequiredService<TimeProvider>()));
        return services;
    }

    private static string Setting(IConfiguration configuration, string name, string fallback) =>
        string.IsNullOrWhiteSpace(configuration[name]) ? fallback : configuration[name]!.Trim();
}
