namespace Fjord.Infra.Tests;

/// <summary>
/// The Bicep compiler the test project restores with a PackageDownload of Azure.Bicep.CommandLine.linux-x64: the
/// binary is tools/bicep in the NuGet cache (NUGET_PACKAGES, or ~/.nuget/packages).
/// </summary>
public static class BicepCli
{
    public const string PackageId = "azure.bicep.commandline.linux-x64";
    public const string Version = "0.49.2";

    private static readonly Lazy<string> PathValue = new(Locate);

    public static string ExecutablePath => PathValue.Value;

    /// <summary>Runs <c>bicep</c> with the given arguments; the compiler prints its diagnostics on stderr.</summary>
    public static Task<ProcessRun> RunAsync(string workingDirectory, params string[] arguments) =>
        ProcessRun.RunAsync(ExecutablePath, arguments, workingDirectory, TimeSpan.FromMinutes(3));

    private static string Locate()
    {
        var cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var path = Path.Combine(cache, PackageId, Version, "tools", "bicep");
        if (!File.Exists(path))
            throw new FileNotFoundException($"The Bicep CLI is not at {path}: restore tests/Fjord.Infra.Tests (its PackageDownload fetches it).", path);
        if (!OperatingSystem.IsLinux())
            throw new PlatformNotSupportedException($"{PackageId} is the Linux x64 compiler; these tests run on Linux.");
        // NuGet extracts files without their execute bit on some systems.
        var mode = File.GetUnixFileMode(path);
        if ((mode & UnixFileMode.UserExecute) == 0)
            File.SetUnixFileMode(path, mode | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        return path;
    }
}
