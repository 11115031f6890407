using Fjord.Broker.Configuration;

namespace Fjord.Broker.Quotas;

/// <summary>
/// Kafka's quota window settings: rates are measured over <c>quota.window.num</c> samples of
/// <c>quota.window.size.seconds</c> (11 × 1 s), controller mutations over <c>controller.quota.window.num</c> ×
/// <c>controller.quota.window.size.seconds</c> (11 × 1 s).
/// </summary>
public sealed record QuotaConfig(int WindowNum = 11, int WindowSizeSeconds = 1, int ControllerWindowNum = 11, int ControllerWindowSizeSeconds = 1)
{
    public static QuotaConfig From(BrokerConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var quota = new QuotaConfig(
            config.GetInt("quota.window.num", 11),
            config.GetInt("quota.window.size.seconds", 1),
            config.GetInt("controller.quota.window.num", 11),
            config.GetInt("controller.quota.window.size.seconds", 1));
        if (quota.WindowNum < 2 || quota.ControllerWindowNum < 2) throw new ConfigException("quota.window.num and controller.quota.window.num must be at least 2");
        if (quota.WindowSizeSeconds < 1 || quota.ControllerWindowSizeSeconds < 1) throw new ConfigException("quota.window.size.seconds and controller.quota.window.size.seconds must be at least 1");
        return quota;
    }
}
