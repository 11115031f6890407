namespace Fjord.Cli;

/// <summary>
/// Which control plane to call and with which key. Each of the two is taken from the first source that sets it:
/// <c>--api-url</c>/<c>--api-key</c>; the environment (FJORD_API_URL, FJORD_API_KEY); the <c>fjord login</c> config;
/// <c>$FJORD_HOME/control-plane.env</c> (what <c>./fjord.sh start</c> writes for the local control plane).
/// </summary>
internal sealed record ApiTarget(Uri Url, string Key, string KeySource)
{
    /// <returns>The target, or a message saying what is missing or malformed.</returns>
    public static (ApiTarget? Target, string? Problem) Resolve(string? flagUrl, string? flagKey, CliEnvironment environment)
    {
        var sources = new List<(string Name, string? Url, string? Key)>
        {
            ("--api-url/--api-key", Blank(flagUrl), Blank(flagKey)),
            ($"${CliEnvironment.ApiUrlVariable}/${CliEnvironment.ApiKeyVariable}", environment.Get(CliEnvironment.ApiUrlVariable), environment.Get(CliEnvironment.ApiKeyVariable)),
        };
        try
        {
            if (environment.LoginConfigPath is { } configPath && LoginConfig.Read(configPath) is { } login)
                sources.Add(($"the login config {configPath}", Blank(login.ApiUrl), Blank(login.ApiKey)));
            if (environment.LocalControlPlanePath is { } envPath && File.Exists(envPath))
            {
                var values = ReadEnvFile(envPath);
                sources.Add((envPath, values.GetValueOrDefault(CliEnvironment.ApiUrlVariable), values.GetValueOrDefault(CliEnvironment.ApiKeyVariable)));
            }
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            return (null, e.Message);
        }
        var url = sources.FirstOrDefault(s => s.Url is not null);
        var key = sources.FirstOrDefault(s => s.Key is not null);
        if (url.Url is null || key.Key is null)
        {
            var missing = url.Url is null && key.Key is null ? "no control plane URL and no API key" : url.Url is null ? "no control plane URL" : "no API key";
            return (null, $"{missing}: pass --api-url and --api-key, run 'fjord login --api-url URL --api-key KEY', "
                + $"or set ${CliEnvironment.ApiUrlVariable} and ${CliEnvironment.ApiKeyVariable} (./fjord.sh cli reads the local control plane's)");
        }
        if (!Uri.TryCreate(url.Url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            return (null, $"the control plane URL '{url.Url}' (from {url.Name}) is not an http(s) URL");
        return (new ApiTarget(uri, key.Key, key.Name), null);
    }

    /// <summary>Reads <c>NAME=value</c> lines, as a shell would source them (no quoting beyond one pair of quotes).</summary>
    public static Dictionary<string, string> ReadEnvFile(string path)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var raw in File.ReadAllLines(path))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            if (line.StartsWith("export ", StringComparison.Ordinal)) line = line["export ".Length..].TrimStart();
            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0) continue;
            var value = line[(equals + 1)..].Trim();
            if (value.Length >= 2 && (value[0] == '"' || value[0] == '\'') && value[^1] == value[0]) value = value[1..^1];
            if (value.Length > 0) values[line[..equals].Trim()] = value;
        }
        return values;
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
