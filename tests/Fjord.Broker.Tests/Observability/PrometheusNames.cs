namespace Fjord.Broker.Tests.Observability;

/// <summary>The names the broker's instruments get in Prometheus text (OpenTelemetry adds the unit and, for counters, _total).</summary>
public static class PrometheusNames
{
    public const string BytesIn = "kafka_server_brokertopicmetrics_bytes_in_bytes_total";
    public const string BytesOut = "kafka_server_brokertopicmetrics_bytes_out_bytes_total";
    public const string MessagesIn = "kafka_server_brokertopicmetrics_messages_in_total";
    public const string RequestTimeCount = "kafka_network_requestmetrics_total_time_milliseconds_count";
    public const string RequestTimeSum = "kafka_network_requestmetrics_total_time_milliseconds_sum";
    public const string RequestTimeBucket = "kafka_network_requestmetrics_total_time_milliseconds_bucket";
    public const string UnderReplicatedPartitions = "kafka_server_replicamanager_under_replicated_partitions";
    public const string OfflinePartitionsCount = "kafka_controller_kafkacontroller_offline_partitions_count";
    public const string IsrShrinks = "kafka_server_replicamanager_isr_shrinks_total";
    public const string IsrExpands = "kafka_server_replicamanager_isr_expands_total";
    public const string LogFlushTimeCount = "kafka_log_logflushstats_log_flush_time_milliseconds_count";
    public const string ConnectionCount = "kafka_server_socket_server_metrics_connection_count";
    public const string TargetInfo = "target_info";
}
