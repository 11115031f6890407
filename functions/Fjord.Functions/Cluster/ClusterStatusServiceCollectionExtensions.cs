using System.Globalization;
using Azure.Data.Tables;
using Fjord.Cluster;
using Fjord.ControlPlane.Cluster;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Fjord.Functions.Cluster;

/// <summary>
/// The cluster status's services. Settings: <c>FJORD_BROKER_STATUS_TABLE</c>, the brokers'
/// <c>fjord.broker.status.table</c> (default <c>fjordbrokerstatus</c>); <c>FJORD_BROKER_SESSION_TIMEOUT_MS</c>, the
/// brokers' <c>broker.session.timeout.ms</c> (default 6000): a broker whose heartbeat is older is not alive;
/// <c>FJORD_MIN_INSYNC_REPLICAS</c>, the brokers' <c>min.insync.replicas</c> (default 1) for topics without their own.
/// Needs the metadata store that <c>AddFjordTopics</c> registers.
/// </summary>
public static class ClusterStatusServiceCollectionExtensions
{
    public const string StatusTableSetting = "FJORD_BROKER_STATUS_TABLE";
    public const string SessionTimeoutSetting = "FJORD_BROKER_SESSION_TIMEOUT_MS";
    public const string MinInsyncReplicasSetting = "FJORD_MIN_INSYNC_REPLICAS";

    public static IServiceCollection AddFjordClusterStatus(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        // Read lazily, like the other settings: a host without them still starts and says what is missing on use.
        services.AddSingleton<IBrokerStatusStore>(sp => new TableBrokerStatusStore(
            sp.GetRequiredService<TableServiceClient>(),
            string.IsNullOrWhiteSpace(configuration[StatusTableSetting]) ? TableBrokerStatusStore.DefaultTableName : configuration[StatusTableSetting]!.Trim()));
        services.AddSingleton(sp =>
        {
            var metadata = sp.GetRequiredService<TableMetadataStore>();
            var options = new ClusterStatusOptions(
                TimeSpan.FromMilliseconds(PositiveInt(configuration, SessionTimeoutSetting, (int)ClusterStatusOptions.Default.SessionTimeout.TotalMilliseconds)),
                PositiveInt(configuration, MinInsyncReplicasSetting, ClusterStatusOptions.Default.DefaultMinInsyncReplicas));
            return new ClusterStatusReader(metadata, metadata, sp.GetRequiredService<IBrokerStatusStore>(), sp.GetRequiredService<TimeProvider>(), options);
        });
        return services;
    }

    private static int PositiveInt(IConfiguration configuration, string setting, int fallback)
    {
        var value = configuration[setting];
        if (string.IsNullOrWhiteSpace(value)) return fallback;
        return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) && parsed > 0
            ? parsed
            : throw new InvalidOperationException($"{setting} '{value}' must be a positive whole number");
    }
}
