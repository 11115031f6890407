namespace Fjord.Broker.Tests.LocalRun;

/// <summary>The parts of <c>/proc/PID/stat</c> that tell which process group and session a process is in.</summary>
public sealed record ProcStat(int Pid, char State, int ProcessGroup, int Session, string CommandLine)
{
    /// <summary>Null when the process is gone (it can end between listing /proc and reading it).</summary>
    public static ProcStat? Read(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // "pid (comm) state ppid pgrp session ...": comm may hold spaces and parentheses, so
            // the fields are counted from its last ')'.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var commandLine = File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
            return new ProcStat(pid, fields[0][0], int.Parse(fields[2], System.Globalization.CultureInfo.InvariantCulture),
                int.Parse(fields[3], System.Globalization.CultureInfo.InvariantCulture), commandLine);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
