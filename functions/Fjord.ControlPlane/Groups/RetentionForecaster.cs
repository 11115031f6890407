namespace Fjord.ControlPlane.Groups;

/// <summary>
/// Forecasts when a consumer group starts losing a partition's records to retention, if the produce rate p and the
/// consume rate r stay what they are now. Pure: the caller passes the figures and the clock's now.
/// </summary>
/// <remarks>
/// <para>retention.ms (R): a record is deleted once it is R old, so the group loses records when the age of its next
/// record reaches R. With lag ℓ and that age a₀, the group first works through the backlog, already written: it takes
/// t₁ = ℓ / r, and the age of its next record moves linearly from a₀ to t₁ + (age of the newest record) — the backlog
/// is read in the order and at the pace it was written. After that it reads records written from now on, at p a
/// second, and their age grows by (1 − r/p) a second if r &lt; p, else it never grows. A consumer that is stopped
/// (r = 0) ages by one second a second: loss at R − a₀.</para>
/// <para>retention.bytes (B, the whole log with its tiered part): the log keeps about M = B / (bytes a record)
/// records, so the group loses records once its lag exceeds M, and the lag grows by p − r a second.</para>
/// <para>The earlier of the two is the forecast. Kafka deletes whole segments, and only closed ones, so actual
/// deletion comes later, by up to a segment's span (segment.ms, segment.bytes): the forecast is the earliest moment
/// the group can lose records, not the latest. Rates are estimates over a window; a consumer within
/// <see cref="KeepUpTolerance"/> of the producer is taken to keep up, so measurement noise does not produce
/// forecasts for groups that are in fact keeping pace.</para>
/// </remarks>
public static class RetentionForecaster
{
    /// <summary>A consume rate this close below the produce rate counts as keeping up.</summary>
    public const double KeepUpTolerance = 0.05;

    public static RetentionForecast Forecast(ForecastInput input, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.CommittedOffset < input.LogStartOffset)
            return new RetentionForecast(ForecastStatus.Losing, now, 0, input.LogStartOffset - input.CommittedOffset, "log.start.offset");

        var byTime = SecondsUntilRetentionMs(input);
        var bySize = SecondsUntilRetentionBytes(input);
        if (byTime is null && bySize is null) return RetentionForecast.Never;
        var (seconds, limit) = bySize is null || (byTime is not null && byTime <= bySize)
            ? (byTime!.Value, "retention.ms")
            : (bySize.Value, "retention.bytes");
        if (!double.IsFinite(seconds)) return RetentionForecast.Never;
        seconds = Math.Max(0, seconds);
        // Past what a DateTimeOffset holds (a near-tie of the rates): as good as never, said honestly as very far.
        var at = seconds < (DateTimeOffset.MaxValue - now).TotalSeconds ? now.AddSeconds(seconds) : DateTimeOffset.MaxValue;
        return new RetentionForecast(ForecastStatus.Expected, at, seconds, 0, limit);
    }

    /// <summary>Seconds until the age of the group's next record reaches retention.ms; null when it never does.</summary>
    public static double? SecondsUntilRetentionMs(ForecastInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.RetentionMs < 0) return null;
        var retention = input.RetentionMs / 1000.0;
        var produce = Math.Max(0, input.ProduceRate ?? 0);
        var consume = Math.Max(0, input.ConsumeRate ?? 0);
        var lag = Math.Max(0, input.HighWatermark - input.CommittedOffset);
        var age = Math.Max(0, input.LagSeconds);
        if (lag > 0 && age >= retention) return 0;

        var falling = produce > 0 && consume < produce * (1 - KeepUpTolerance);
        if (lag == 0)
            return falling ? retention / (1 - consume / produce) : null;
        if (consume <= 0) return retention - age;

        var backlogEnd = lag / consume;
        var ageAtBacklogEnd = backlogEnd + Math.Max(0, input.NewestRecordAgeSeconds);
        if (ageAtBacklogEnd >= retention)
            return backlogEnd * (retention - age) / (ageAtBacklogEnd - age);
        return falling ? backlogEnd + (retention - backlogEnd) / (1 - consume / produce) : null;
    }

    /// <summary>Seconds until the group's lag exceeds what retention.bytes keeps; null when it never does or the record size is unknown.</summary>
    public static double? SecondsUntilRetentionBytes(ForecastInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.RetentionBytes < 0 || input.AverageRecordBytes is not > 0) return null;
        var kept = input.RetentionBytes / input.AverageRecordBytes.Value;
        var lag = (double)Math.Max(0, input.HighWatermark - input.CommittedOffset);
        if (lag >= kept) return 0;
        var produce = Math.Max(0, input.ProduceRate ?? 0);
        var consume = Math.Max(0, input.ConsumeRate ?? 0);
        if (produce <= 0 || consume >= produce * (1 - KeepUpTolerance)) return null;
        return (kept - lag) / (produce - consume);
    }
}
