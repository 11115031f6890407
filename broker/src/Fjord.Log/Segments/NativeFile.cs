using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Fjord.Log.Segments;

/// <summary>fallocate(2): reserve blocks for a file region so later writes into it are cheap.</summary>
internal static partial class NativeFile
{
    public const int NoSpace = 28; // ENOSPC

    /// <returns>true when the region is allocated (the file grows to cover it); otherwise the errno.</returns>
    public static bool Allocate(SafeFileHandle handle, long offset, long length, out int errno)
    {
        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            var result = Fallocate((int)handle.DangerousGetHandle(), 0, offset, length);
            errno = result == 0 ? 0 : Marshal.GetLastPInvokeError();
            return result == 0;
        }
        catch (EntryPointNotFoundException)
        {
            errno = -1;
            return false;
        }
        finally
        {
            if (added) handle.DangerousRelease();
        }
    }

    [LibraryImport("libc", EntryPoint = "fallocate", SetLastError = true)]
    private static partial int Fallocate(int fd, int mode, long offset, long length);
}
