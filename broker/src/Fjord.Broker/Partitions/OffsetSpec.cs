namespace Fjord.Broker.Partitions;

/// <summary>The special timestamps of ListOffsets (Kafka's OffsetSpec), KIP-1005's included.</summary>
public static class OffsetSpec
{
    public const long Latest = -1;
    public const long Earliest = -2;
    public const long MaxTimestamp = -3;
    public const long EarliestLocal = -4;
    public const long LatestTiered = -5;
}
