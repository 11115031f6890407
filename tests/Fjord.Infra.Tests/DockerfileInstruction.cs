namespace Fjord.Infra.Tests;

/// <summary>One Dockerfile instruction, continuation lines joined, with the build stage it belongs to.</summary>
public sealed record DockerfileInstruction(string Keyword, string Arguments, int Stage, int Line)
{
    public static IReadOnlyList<DockerfileInstruction> Parse(string text)
    {
        var instructions = new List<DockerfileInstruction>();
        var stage = -1;
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var start = i;
            while (line.EndsWith('\\') && i + 1 < lines.Length)
                line = line[..^1].TrimEnd() + " " + lines[++i].Trim();
            var space = line.IndexOf(' ', StringComparison.Ordinal);
            var keyword = (space < 0 ? line : line[..space]).ToUpperInvariant();
            if (keyword == "FROM") stage++;
            instructions.Add(new DockerfileInstruction(keyword, space < 0 ? "" : line[(space + 1)..].Trim(), stage, start + 1));
        }
        return instructions;
    }
}
