namespace Fjord.Cli;

/// <summary>What <c>--output table</c> prints: aligned columns under a header, or aligned <c>name: value</c> lines.</summary>
internal static class TextTable
{
    public static async Task WriteAsync(TextWriter output, IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows)
    {
        var all = rows.Prepend(header).ToList();
        var widths = Enumerable.Range(0, header.Count).Select(c => all.Max(r => r[c].Length)).ToArray();
        foreach (var row in all)
            await output.WriteLineAsync(string.Join("  ", row.Select((cell, c) => c == row.Count - 1 ? cell : cell.PadRight(widths[c]))).TrimEnd()).ConfigureAwait(false);
    }

    public static async Task WriteFieldsAsync(TextWriter output, IReadOnlyList<(string Name, string Value)> fields)
    {
        var width = fields.Max(f => f.Name.Length) + 1;
        foreach (var (name, value) in fields)
            await output.WriteLineAsync((name + ":").PadRight(width) + " " + value).ConfigureAwait(false);
    }
}
