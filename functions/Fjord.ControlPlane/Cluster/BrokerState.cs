namespace Fjord.ControlPlane.Cluster;

/// <summary>
/// A registered broker as the control plane judges it from its lease: <see cref="Alive"/> while its heartbeat is
/// younger than the session timeout, <see cref="ShuttingDown"/> when alive but in a controlled shutdown, and
/// <see cref="Fenced"/> once its lease lapsed (Kafka's name for a broker the controller no longer counts on).
/// </summary>
public enum BrokerState
{
    Alive,
    ShuttingDown,
    Fenced,
}
