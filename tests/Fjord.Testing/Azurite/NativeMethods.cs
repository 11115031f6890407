using System.Runtime.InteropServices;

namespace Fjord.Testing;

internal static partial class NativeMethods
{
    internal const int SigTerm = 15;

    // Process.Kill only sends SIGKILL; Azurite flushes its persisted databases only on
    // SIGTERM/SIGINT, so a graceful stop needs the raw signal.
    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    internal static partial int Kill(int pid, int signal);
}
