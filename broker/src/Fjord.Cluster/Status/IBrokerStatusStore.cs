namespace Fjord.Cluster;

/// <summary>
/// One status row per broker, each written only by its broker (so writes need no version or condition), read by
/// the control plane.
/// </summary>
public interface IBrokerStatusStore
{
    /// <summary>Creates the table if it is missing; repeatable.</summary>
    Task InitializeAsync(CancellationToken ct);

    /// <summary>Replaces the broker's row.</summary>
    Task WriteAsync(BrokerStatus status, CancellationToken ct);

    /// <summary>Every broker's row, ordered by node id; empty when the table does not exist (yet).</summary>
    Task<IReadOnlyList<BrokerStatus>> ListAsync(CancellationToken ct);
}
