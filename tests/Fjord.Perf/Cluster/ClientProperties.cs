using Confluent.Kafka;
using Fjord.Perf.Cli;

namespace Fjord.Perf.Cluster;

/// <summary>
/// Client settings from a properties file, as Kafka's perf tools take them (<c>--command-config</c>,
/// <c>--producer.config</c>, <c>--consumer.config</c>): librdkafka names such as security.protocol,
/// sasl.mechanism, sasl.username, sasl.password, ssl.ca.location, passed to every client the run builds.
/// Applied over the tool's own settings (as Kafka's tools do): the file is for how to connect, not what to measure.
/// </summary>
internal sealed class ClientProperties
{
    public static readonly string[] OptionNames = ["command-config", "producer.config", "consumer.config"];

    private ClientProperties(IReadOnlyDictionary<string, string> values) => Values = values;

    public static ClientProperties Empty { get; } = new(new Dictionary<string, string>());

    /// <summary>What every client of this process gets: set once from the command line.</summary>
    public static ClientProperties Current { get; set; } = Empty;

    public IReadOnlyDictionary<string, string> Values { get; }

    /// <summary>The properties file named by any of <see cref="OptionNames"/> (at most one of them), or none.</summary>
    public static ClientProperties Read(ArgumentReader args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var paths = OptionNames.Select(n => (Name: n, Path: args.OptionalString(n))).Where(p => p.Path is not null).ToList();
        if (paths.Count > 1)
            throw new UsageException($"give at most one of {string.Join(", ", OptionNames.Select(n => "--" + n))}");
        if (paths.Count == 0)
            return Empty;
        var path = paths[0].Path!;
        if (!File.Exists(path))
            throw new UsageException($"--{paths[0].Name}: no file {path}");
        return Parse(File.ReadAllLines(path));
    }

    /// <summary>Java properties as Kafka's tools write them: key=value (or key: value), # and ! comments, blank lines.</summary>
    public static ClientProperties Parse(IEnumerable<string> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var number = 0;
        foreach (var raw in lines)
        {
            number++;
            var line = raw.Trim();
            if (line.Length == 0 || line[0] is '#' or '!')
                continue;
            var separator = line.IndexOfAny(['=', ':']);
            if (separator <= 0)
                throw new UsageException($"client properties line {number}: expected key=value, got '{line}'");
            values[line[..separator].Trim()] = line[(separator + 1)..].Trim();
        }
        return new ClientProperties(values);
    }

    public T ApplyTo<T>(T config)
        where T : ClientConfig
    {
        ArgumentNullException.ThrowIfNull(config);
        foreach (var (key, value) in Values)
            config.Set(key, value);
        return config;
    }
}
