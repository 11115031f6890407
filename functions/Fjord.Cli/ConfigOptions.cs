using System.CommandLine;

namespace Fjord.Cli;

/// <summary><c>--config name=value</c>, repeatable: topic configs in Kafka's names (the control plane validates them).</summary>
internal static class ConfigOptions
{
    public static Option<string[]> Create(string description)
    {
        var option = new Option<string[]>("--config", "-c")
        {
            Description = description,
            Arity = ArgumentArity.ZeroOrMore,
            AllowMultipleArgumentsPerToken = false,
            DefaultValueFactory = _ => [],
        };
        option.Validators.Add(r =>
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var token in r.Tokens)
            {
                if (!TrySplit(token.Value, out var name, out _)) r.AddError($"--config '{token.Value}' is not name=value (e.g. retention.ms=86400000)");
                else if (!seen.Add(name)) r.AddError($"--config {name} is given twice");
            }
        });
        return option;
    }

    public static Dictionary<string, string> Read(IEnumerable<string> values)
    {
        var configs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var value in values)
            if (TrySplit(value, out var name, out var setting)) configs[name] = setting;
        return configs;
    }

    private static bool TrySplit(string token, out string name, out string value)
    {
        var equals = token.IndexOf('=', StringComparison.Ordinal);
        name = equals > 0 ? token[..equals].Trim() : "";
        value = equals > 0 ? token[(equals + 1)..].Trim() : "";
        return name.Length > 0;
    }
}
