namespace Fjord.Broker.Configuration;

/// <summary>Reads Java .properties files as Kafka's server.properties uses them.</summary>
public static class PropertiesFile
{
    public static IEnumerable<KeyValuePair<string, string>> Read(string path)
    {
        if (!File.Exists(path)) throw new ConfigException($"properties file {path} does not exist");
        return Parse(File.ReadAllLines(path));
    }

    public static IEnumerable<KeyValuePair<string, string>> Parse(IEnumerable<string> lines)
    {
        string? pending = null;
        foreach (var raw in lines)
        {
            var line = pending is null ? raw.TrimStart() : pending + raw.TrimStart();
            pending = null;
            if (line.Length == 0 || line[0] is '#' or '!') continue;
            if (line.EndsWith('\\'))
            {
                pending = line[..^1];
                continue;
            }
            var sep = line.IndexOfAny(['=', ':']);
            if (sep < 0) yield return new(line.Trim(), "");
            else yield return new(line[..sep].Trim(), line[(sep + 1)..].Trim());
        }
    }
}
