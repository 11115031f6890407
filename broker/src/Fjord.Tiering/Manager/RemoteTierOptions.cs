namespace Fjord.Tiering;

/// <summary>
/// Who the tier writes as (the leader's broker id and epoch, recorded in every manifest entry) and
/// how it backs off when Blob storage or the manifest fails: capped exponential, so an outage costs
/// a few requests a minute per partition rather than a retry storm.
/// </summary>
public sealed record RemoteTierOptions(int BrokerId, int LeaderEpoch)
{
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromMinutes(1);
}
