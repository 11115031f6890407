namespace Fjord.Tiering;

/// <summary>
/// KIP-405's lifecycle of a remote log segment. A segment is readable only in
/// <see cref="CopyFinished"/>; a crash leaves it in a state that tells the next leader what to
/// finish (re-copy or delete a CopyStarted upload, complete a DeleteStarted deletion). Kafka allows
/// self-transitions, so a retried step is idempotent.
/// </summary>
public enum RemoteSegmentState
{
    CopyStarted,
    CopyFinished,
    DeleteStarted,
    DeleteFinished,
}
