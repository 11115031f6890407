namespace Fjord.Testing;

/// <summary>Locates the repository checkout the tests were built from.</summary>
public static class RepositoryRoot
{
    private static readonly Lazy<string> Root = new(FindCore);

    /// <summary>The folder holding <c>Service.sln</c>, found by walking up from the test binaries.</summary>
    public static string Find() => Root.Value;

    private static string FindCore()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Service.sln")))
                return dir.FullName;
        }

        throw new DirectoryNotFoundException(
            $"No folder holding Service.sln above {AppContext.BaseDirectory}; tests must run from the repository checkout.");
    }
}
