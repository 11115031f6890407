namespace Fjord.ControlPlane.Groups;

/// <summary>What the retention forecast of a group's partition says.</summary>
public enum ForecastStatus
{
    /// <summary>The group keeps up (or no retention limit applies): at the current rates it never loses records.</summary>
    Never,

    /// <summary>At the current rates retention will delete records before the group reads them, from <see cref="RetentionForecast.At"/> on.</summary>
    Expected,

    /// <summary>Records were deleted before the group read them: its committed offset is below the log start offset.</summary>
    Losing,

    /// <summary>No stats for the partition yet (its leader has not published them), so nothing can be said.</summary>
    Unknown,
}
