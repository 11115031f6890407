namespace Fjord.Tiering;

/// <summary>
/// KIP-405's allowed state changes (Kafka's RemoteLogSegmentState.isValidTransition): a copy either
/// finishes or is abandoned into deletion, a finished copy can only be deleted, and a started deletion
/// can only finish. Every state may move to itself so a step retried after a crash is idempotent.
/// </summary>
public static class RemoteSegmentTransitions
{
    public static bool IsAllowed(RemoteSegmentState from, RemoteSegmentState to) =>
        from == to || (from, to) switch
        {
            (RemoteSegmentState.CopyStarted, RemoteSegmentState.CopyFinished) => true,
            (RemoteSegmentState.CopyStarted, RemoteSegmentState.DeleteStarted) => true,
            (RemoteSegmentState.CopyFinished, RemoteSegmentState.DeleteStarted) => true,
            (RemoteSegmentState.DeleteStarted, RemoteSegmentState.DeleteFinished) => true,
            _ => false,
        };

    /// <summary>Throws when <paramref name="from"/> → <paramref name="to"/> is not a KIP-405 transition: asking for one is a bug, not a race.</summary>
    public static void Validate(RemoteSegmentState from, RemoteSegmentState to)
    {
        if (!Enum.IsDefined(from) || !Enum.IsDefined(to))
            throw new ArgumentOutOfRangeException(nameof(to), $"Unknown remote segment state {from} or {to}.");
        if (!IsAllowed(from, to))
            throw new ArgumentException($"{from} → {to} is not an allowed remote segment state transition.", nameof(to));
    }
}
