using System.Globalization;
using Azure.Data.Tables;
using Fjord.Cluster;
using Fjord.ControlPlane.Topics;
using Fjord.Security.Tenancy;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Fjord.Functions.Topics;

/// <summary>
/// The topic resource's services. Settings: <c>FJORD_METADATA_TABLE</c>, the brokers' <c>fjord.metadata.table</c>
/// (default <c>fjordmetadata</c>); <c>FJORD_TOPIC_LEADER_WAIT_MS</c>, how long a create waits for the controller
/// to elect leaders before answering 202 (default 10000, the broker's own bound).
/// </summary>
public static class TopicServiceCollectionExtensions
{
    public const string MetadataTableSetting = "FJORD_METADATA_TABLE";
    public const string LeaderWaitSetting = "FJORD_TOPIC_LEADER_WAIT_MS";

    public static IServiceCollection AddFjordTopics(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        // Read lazily, like the other settings: a host without them still starts and says what is missing on use.
        services.AddSingleton(sp => new TableMetadataStore(
            sp.GetRequiredService<TableServiceClient>(),
            string.IsNullOrWhiteSpace(configuration[MetadataTableSetting]) ? TableMetadataStore.DefaultTableName : configuration[MetadataTableSetting]!.Trim()));
        services.AddSingleton(sp => new TopicAdministration(
            sp.GetRequiredService<TableMetadataStore>(), sp.GetRequiredService<ITenantStore>(), sp.GetRequiredService<TimeProvider>(), LeaderWait(configuration)));
        return services;
    }

    private static TimeSpan LeaderWait(IConfiguration configuration)
    {
        var value = configuration[LeaderWaitSetting];
        if (string.IsNullOrWhiteSpace(value)) return TopicAdministration.DefaultLeaderWait;
        return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var ms)
            ? TimeSpan.FromMilliseconds(ms)
            : throw new InvalidOperationException($"{LeaderWaitSetting} '{value}' must be a whole number of milliseconds");
    }
}
