using System.Globalization;
using System.Text;

namespace Fjord.Broker.Tests.Observability;

/// <summary>
/// A scrape in Prometheus' text format, parsed just enough for assertions: each sample line
/// <c>name{label="value",...} value [timestamp]</c>; comments and blank lines skipped.
/// </summary>
public sealed class PrometheusText
{
    private PrometheusText(IReadOnlyList<PrometheusSample> samples, string raw)
    {
        Samples = samples;
        Raw = raw;
    }

    public IReadOnlyList<PrometheusSample> Samples { get; }

    /// <summary>The scrape as it came, for failure messages.</summary>
    public string Raw { get; }

    /// <summary>The sum of every sample of <paramref name="name"/> whose labels include all of <paramref name="labels"/> (0 when none).</summary>
    public double Sum(string name, params (string Label, string Value)[] labels) =>
        Matching(name, labels).Sum(s => s.Value);

    /// <summary>True when some sample of <paramref name="name"/> carries all of <paramref name="labels"/>.</summary>
    public bool Has(string name, params (string Label, string Value)[] labels) => Matching(name, labels).Any();

    private IEnumerable<PrometheusSample> Matching(string name, (string Label, string Value)[] labels) =>
        Samples.Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Label, out var v) && v == l.Value));

    public static PrometheusText Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var samples = new List<PrometheusSample>();
        foreach (var rawLine in text.Split('\n'))
        {
            var line = rawLine.Trim();
            if (line.Length == 0 || line[0] == '#') continue;
            samples.Add(ParseSample(line));
        }
        return new PrometheusText(samples, text);
    }

    private static PrometheusSample ParseSample(string line)
    {
        var i = 0;
        while (i < line.Length && line[i] != '{' && line[i] != ' ') i++;
        var name = line[..i];
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (i < line.Length && line[i] == '{')
        {
            i++;
            while (line[i] != '}')
            {
                var equals = line.IndexOf('=', i);
                var label = line[i..equals].Trim();
                i = equals + 1;
                if (line[i] != '"') throw new FormatException($"label {label} has no quoted value: {line}");
                i++;
                var value = new StringBuilder();
                while (line[i] != '"')
                {
                    if (line[i] == '\\')
                    {
                        i++;
                        value.Append(line[i] == 'n' ? '\n' : line[i]);
                    }
                    else
                    {
                        value.Append(line[i]);
                    }
                    i++;
                }
                labels[label] = value.ToString();
                i++;
                if (line[i] == ',') i++;
            }
            i++;
        }
        var rest = line[i..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var number = rest[0] switch
        {
            "+Inf" => double.PositiveInfinity,
            "-Inf" => double.NegativeInfinity,
            "NaN" => double.NaN,
            var v => double.Parse(v, NumberStyles.Float, CultureInfo.InvariantCulture),
        };
        return new PrometheusSample(name, labels, number);
    }
}
