namespace Fjord.Cli;

/// <summary>
/// The environment variables the CLI reads, behind a lookup so tests can give each run its own (the process's
/// environment is shared by every test running at once).
/// </summary>
internal sealed class CliEnvironment(Func<string, string?> variable)
{
    public const string ApiUrlVariable = "FJORD_API_URL";
    public const string ApiKeyVariable = "FJORD_API_KEY";
    public const string HomeVariable = "FJORD_HOME";

    /// <summary>The control plane's own name for the storage connection string; the CLI's older name is still read.</summary>
    public const string TableConnectionVariable = "FJORD_TABLE_CONNECTION";

    public const string LegacyTableConnectionVariable = "FJORD_TABLE_CONNECTION_STRING";

    /// <summary>The file <c>./fjord.sh start</c> writes into <c>$FJORD_HOME</c> for the local control plane.</summary>
    public const string LocalControlPlaneFile = "control-plane.env";

    public static CliEnvironment Process { get; } = new(Environment.GetEnvironmentVariable);

    /// <summary>The variable's value, or null when it is unset or blank.</summary>
    public string? Get(string name) => variable(name) is { } value && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

    public string? TableConnection => Get(TableConnectionVariable) ?? Get(LegacyTableConnectionVariable);

    /// <summary>Where <c>fjord login</c> keeps the endpoint and key: <c>$XDG_CONFIG_HOME/fjord/config.json</c>, by default under <c>~/.config</c>.</summary>
    public string? LoginConfigPath
    {
        get
        {
            var folder = Get("XDG_CONFIG_HOME");
            if (folder is null && Get("HOME") is { } home) folder = Path.Combine(home, ".config");
            if (folder is null && Environment.GetFolderPath(Environment.SpecialFolder.UserProfile) is { Length: > 0 } profile) folder = Path.Combine(profile, ".config");
            return folder is null ? null : Path.Combine(folder, "fjord", "config.json");
        }
    }

    /// <summary><c>$FJORD_HOME/control-plane.env</c>, when FJORD_HOME is set.</summary>
    public string? LocalControlPlanePath => Get(HomeVariable) is { } home ? Path.Combine(home, LocalControlPlaneFile) : null;
}
