using System.Globalization;

namespace Fjord.Perf.Cli;

/// <summary>
/// Reads <c>--name value</c> and bare <c>--flag</c> arguments. Every option must be consumed:
/// a typo such as <c>--num-record</c> fails loudly instead of silently running the default.
/// </summary>
internal sealed class ArgumentReader
{
    private readonly Dictionary<string, string?> _options = new(StringComparer.Ordinal);
    private readonly HashSet<string> _consumed = new(StringComparer.Ordinal);

    public ArgumentReader(IEnumerable<string> args)
    {
        string? pending = null;
        foreach (var arg in args)
        {
            if (arg.StartsWith("--", StringComparison.Ordinal))
            {
                if (pending is not null)
                    _options[pending] = null;
                pending = arg[2..];
                if (pending.Length == 0)
                    throw new UsageException("empty option name '--'");
            }
            else if (pending is not null)
            {
                _options[pending] = arg;
                pending = null;
            }
            else
            {
                throw new UsageException($"unexpected argument '{arg}'");
            }
        }

        if (pending is not null)
            _options[pending] = null;
    }

    public bool Flag(string name)
    {
        _consumed.Add(name);
        if (!_options.TryGetValue(name, out var value))
            return false;
        if (value is not null)
            throw new UsageException($"--{name} takes no value (got '{value}')");
        return true;
    }

    public string? OptionalString(string name)
    {
        _consumed.Add(name);
        if (!_options.TryGetValue(name, out var value))
            return null;
        return value ?? throw new UsageException($"--{name} needs a value");
    }

    public string RequiredString(string name) =>
        OptionalString(name) ?? throw new UsageException($"--{name} is required");

    public long Long(string name, long defaultValue, long min = long.MinValue)
    {
        var text = OptionalString(name);
        if (text is null)
            return defaultValue;
        if (!long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
            throw new UsageException($"--{name} must be an integer (got '{text}')");
        if (value < min)
            throw new UsageException($"--{name} must be >= {min} (got {value})");
        return value;
    }

    public int Int(string name, int defaultValue, int min = int.MinValue)
    {
        var value = Long(name, defaultValue, min);
        if (value > int.MaxValue)
            throw new UsageException($"--{name} must be <= {int.MaxValue} (got {value})");
        return (int)value;
    }

    public T Choice<T>(string name, T defaultValue, IReadOnlyDictionary<string, T> choices)
    {
        var text = OptionalString(name);
        if (text is null)
            return defaultValue;
        if (choices.TryGetValue(text, out var value))
            return value;
        throw new UsageException($"--{name} must be one of {string.Join('|', choices.Keys)} (got '{text}')");
    }

    /// <summary>Call after all options were read: anything left over is a mistake.</summary>
    public void EnsureAllConsumed()
    {
        var unknown = _options.Keys.Where(k => !_consumed.Contains(k)).ToList();
        if (unknown.Count > 0)
            throw new UsageException($"unknown option(s): {string.Join(", ", unknown.Select(u => "--" + u))}");
    }
}
