namespace Fjord.Perf.Failover;

/// <summary>
/// One measurement: how long from SIGKILL of a partition's leader until the producer (acks=all) got
/// its first acknowledgement from the new leader, and what the idle cluster cost in Table storage
/// requests per broker per minute before the kill.
/// </summary>
internal sealed record FailoverSummary(
    string Knobs,
    IReadOnlyDictionary<string, string> Settings,
    int KilledLeader,
    int NewLeader,
    double KillToFirstAckMs,
    double KillToNewLeaderInMetadataMs,
    int IdleSeconds,
    IReadOnlyList<double> IdleRequestsPerMinute,
    IReadOnlyList<IReadOnlyDictionary<string, double>> IdleRequestsPerMinuteByKind,
    int Controller)
{
    /// <summary>Killing the controller's broker costs a controller failover first: the slow case.</summary>
    public bool KilledTheController => Controller == KilledLeader;
}
