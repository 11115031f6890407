using System.Diagnostics.Metrics;

namespace Fjord.Broker.Observability;

/// <summary>
/// Kafka's ReplicaManager IsrShrinksPerSec and IsrExpandsPerSec: counted on the leader when the controller store
/// accepts its change, as Kafka marks them once AlterPartition succeeds (a refused proposal changed nothing).
/// </summary>
public sealed class IsrChangeMetrics
{
    public const string IsrShrinks = "kafka.server.replicamanager.isr_shrinks";
    public const string IsrExpands = "kafka.server.replicamanager.isr_expands";

    private readonly Counter<long> _shrinks;
    private readonly Counter<long> _expands;

    public IsrChangeMetrics(Meter meter)
    {
        ArgumentNullException.ThrowIfNull(meter);
        _shrinks = meter.CreateCounter<long>(IsrShrinks, "{shrink}", "ISR shrinks of partitions this broker leads (Kafka's IsrShrinksPerSec)");
        _expands = meter.CreateCounter<long>(IsrExpands, "{expansion}", "ISR expansions of partitions this broker leads (Kafka's IsrExpandsPerSec)");
    }

    /// <summary>An accepted ISR change from <paramref name="before"/> to <paramref name="after"/> members.</summary>
    public void Changed(int before, int after)
    {
        if (after < before) _shrinks.Add(1);
        else if (after > before) _expands.Add(1);
    }
}
