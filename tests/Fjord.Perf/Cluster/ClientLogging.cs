using Confluent.Kafka;

namespace Fjord.Perf.Cluster;

/// <summary>
/// librdkafka's own log, routed to stderr so stdout carries only results. Below Warning it is
/// noise for a perf run; connection failures (Error) are what a user needs to see.
/// </summary>
internal static class ClientLogging
{
    /// <summary>librdkafka debug contexts (e.g. <c>admin,protocol</c>) from FJORD_PERF_DEBUG, for diagnosing a broker.</summary>
    private static readonly string? DebugContexts = Environment.GetEnvironmentVariable("FJORD_PERF_DEBUG");

    public static T Configure<T>(T config)
        where T : ClientConfig
    {
        if (!string.IsNullOrEmpty(DebugContexts))
            config.Debug = DebugContexts;
        // Every client passes through here, so the --command-config security settings reach them all.
        return ClientProperties.Current.ApplyTo(config);
    }

    public static void Write(IClient client, LogMessage message)
    {
        if (message.Level <= SyslogLevel.Warning || !string.IsNullOrEmpty(DebugContexts))
            Console.Error.WriteLine($"[librdkafka {message.Level} {message.Facility}] {message.Message}");
    }
}
