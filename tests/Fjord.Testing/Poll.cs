using System.Diagnostics;

namespace Fjord.Testing;

/// <summary>
/// Waits for a state instead of sleeping for a guessed time: checks often at first, then backs
/// off, and fails loudly with what it was waiting for.
/// </summary>
public static class Poll
{
    private static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan MaxDelay = TimeSpan.FromMilliseconds(250);

    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var clock = Stopwatch.StartNew();
        var delay = FirstDelay;
        while (true)
        {
            if (await condition().ConfigureAwait(false))
                return;
            var left = timeout - clock.Elapsed;
            if (left <= TimeSpan.Zero)
                throw new TimeoutException($"Timed out after {timeout.TotalSeconds:0.###} s waiting for {what}.");
            await Task.Delay(delay < left ? delay : left).ConfigureAwait(false);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxDelay.Ticks));
        }
    }

    /// <summary>Polls until <paramref name="probe"/> finds something; returns it.</summary>
    public static async Task<T> UntilAsync<T>(Func<T?> probe, TimeSpan timeout, string what)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(probe);
        T? found = null;
        await UntilAsync(() => (found = probe()) is not null, timeout, what).ConfigureAwait(false);
        return found!;
    }

    public static Task UntilAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        ArgumentNullException.ThrowIfNull(condition);
        return UntilAsync(() => Task.FromResult(condition()), timeout, what);
    }
}
