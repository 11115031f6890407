namespace Fjord.Infra.Tests;

/// <summary>The checkout the tests were built from, and the shared folder laid beside it (CI's <c>../shared</c>).</summary>
public static class RepositoryPaths
{
    private static readonly Lazy<string> RootPath = new(FindRoot);

    /// <summary>The folder holding <c>Service.sln</c>.</summary>
    public static string Root => RootPath.Value;

    public static string Infra => Path.Combine(Root, "infra");

    /// <summary>The azd schema for azure.yaml, kept in <c>../shared/azd</c> because these machines cannot fetch it.</summary>
    public static string AzdSchema => Path.Combine(Root, "..", "shared", "azd", "azure.yaml.json");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Service.sln")))
                return dir.FullName;
        }
        throw new DirectoryNotFoundException($"No folder holding Service.sln above {AppContext.BaseDirectory}.");
    }
}
