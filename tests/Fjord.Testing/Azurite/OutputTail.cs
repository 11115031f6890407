using System.Collections.Concurrent;
using System.Diagnostics;

namespace Fjord.Testing;

/// <summary>
/// Drains a child process's stdout and stderr (an undrained pipe fills up and blocks the child)
/// and keeps the last lines so a failure can say what the child printed.
/// </summary>
internal sealed class OutputTail
{
    private const int MaxLines = 200;
    private readonly ConcurrentQueue<string> _lines = new();

    public void Attach(Process process)
    {
        process.OutputDataReceived += (_, e) => Add(e.Data);
        process.ErrorDataReceived += (_, e) => Add(e.Data);
    }

    public override string ToString() => string.Join(Environment.NewLine, _lines);

    private void Add(string? line)
    {
        if (line is null)
            return;
        _lines.Enqueue(line);
        while (_lines.Count > MaxLines && _lines.TryDequeue(out _))
        {
        }
    }
}
