namespace Fjord.Security.Tls;

/// <summary>Writes files that hold private keys: owner-only (0600) on Unix, and replaced atomically.</summary>
public static class PrivateFile
{
    public static void Write(string path, string contents)
    {
        // A temp file renamed over the target: a broker re-reading its keystore never sees half a file.
        var temp = $"{path}.{Guid.NewGuid():N}.tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        try
        {
            using (var writer = new StreamWriter(new FileStream(temp, options)))
                writer.Write(contents);
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }
}
