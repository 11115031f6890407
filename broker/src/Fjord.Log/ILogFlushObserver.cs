namespace Fjord.Log;

/// <summary>
/// Told how long each fsync of a log took (Kafka's LogFlushStats). An interface, so the log library measures
/// without knowing how the broker exports it.
/// </summary>
public interface ILogFlushObserver
{
    void Flushed(TimeSpan elapsed);
}
