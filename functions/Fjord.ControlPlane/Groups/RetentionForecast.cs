namespace Fjord.ControlPlane.Groups;

/// <summary>
/// When a group will start losing a partition's records to retention at the current produce and consume rates.
/// </summary>
/// <param name="At">When the first unread record is expected to be deleted (now when already <see cref="ForecastStatus.Losing"/>); null for Never and Unknown.</param>
/// <param name="InSeconds">Seconds from now until <paramref name="At"/>.</param>
/// <param name="LostRecords">Records already deleted unread (Losing), else 0.</param>
/// <param name="Limit">The limit that causes it: <c>retention.ms</c>, <c>retention.bytes</c>, or <c>log.start.offset</c> for records already lost.</param>
public sealed record RetentionForecast(ForecastStatus Status, DateTimeOffset? At, double? InSeconds, long LostRecords, string? Limit)
{
    public static RetentionForecast Never { get; } = new(ForecastStatus.Never, null, null, 0, null);

    public static RetentionForecast Unknown { get; } = new(ForecastStatus.Unknown, null, null, 0, null);

    /// <summary>The earlier of two forecasts: losing first, then the nearest expected loss.</summary>
    public static RetentionForecast Earliest(RetentionForecast a, RetentionForecast b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Status == ForecastStatus.Losing || b.Status == ForecastStatus.Losing)
            return a.Status == ForecastStatus.Losing && (b.Status != ForecastStatus.Losing || a.LostRecords >= b.LostRecords) ? a : b;
        if (a.Status == ForecastStatus.Expected && b.Status == ForecastStatus.Expected) return a.InSeconds <= b.InSeconds ? a : b;
        if (a.Status == ForecastStatus.Expected) return a;
        if (b.Status == ForecastStatus.Expected) return b;
        return a.Status == ForecastStatus.Never ? a : b;
    }
}
