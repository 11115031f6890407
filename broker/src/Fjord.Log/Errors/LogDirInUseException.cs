namespace Fjord.Log;

/// <summary>A log dir is locked by another broker process.</summary>
public sealed class LogDirInUseException(string logDir, Exception inner)
    : LogException($"log dir {logDir} is in use by another process (a broker with the same log.dirs is already running); stop it first, or give this broker its own log.dirs", inner)
{
    public string LogDir { get; } = logDir;
}
