namespace Fjord.Cluster;

/// <summary>
/// The one retry owner for optimistic metadata writes: a lost compare-and-swap waits a jittered,
/// capped, exponentially growing delay (so racing writers spread out instead of colliding again)
/// and gives up after a bounded number of attempts.
/// </summary>
internal static class ConflictBackoff
{
    public const int MaxAttempts = 100;
    private const double BaseDelayMs = 4;
    private const double MaxDelayMs = 200;

    public static Task DelayAsync(int attempt, CancellationToken ct)
    {
        var ceiling = Math.Min(MaxDelayMs, BaseDelayMs * Math.Pow(2, Math.Min(attempt, 16)));
        // Full jitter: uniformly in [0, ceiling].
        var delay = TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * ceiling);
        return Task.Delay(delay, ct);
    }

    public static MetadataConflictException GiveUp(string what) =>
        new($"Gave up {what} after {MaxAttempts} lost compare-and-swap attempts.");
}
