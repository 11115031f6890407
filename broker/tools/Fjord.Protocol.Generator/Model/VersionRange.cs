using System.Globalization;

namespace Fjord.Protocol.Generator.Model;

/// <summary>
/// A closed range of message versions as written in the specs: "3+", "0-2", "5", "none".
/// Open-ended ranges use <see cref="short.MaxValue"/> as their upper bound.
/// </summary>
internal readonly record struct VersionRange(short Min, short Max)
{
    public static readonly VersionRange None = new(1, 0);

    public static readonly VersionRange All = new(0, short.MaxValue);

    public bool IsEmpty => Min > Max;

    public static VersionRange Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text) || text.Trim() == "none")
        {
            return None;
        }

        text = text.Trim();
        if (text.EndsWith('+'))
        {
            return new VersionRange(ParseShort(text[..^1]), short.MaxValue);
        }

        var dash = text.IndexOf('-', StringComparison.Ordinal);
        if (dash > 0)
        {
            return new VersionRange(ParseShort(text[..dash]), ParseShort(text[(dash + 1)..]));
        }

        var single = ParseShort(text);
        return new VersionRange(single, single);
    }

    public VersionRange Intersect(VersionRange other)
    {
        var result = new VersionRange(Math.Max(Min, other.Min), Math.Min(Max, other.Max));
        return result.IsEmpty ? None : result;
    }

    /// <summary>Smallest range covering both (used when a common struct is reached from several places).</summary>
    public VersionRange Hull(VersionRange other)
    {
        if (IsEmpty)
        {
            return other;
        }

        return other.IsEmpty ? this : new VersionRange(Math.Min(Min, other.Min), Math.Max(Max, other.Max));
    }

    public bool Contains(short version) => version >= Min && version <= Max;

    /// <summary>True when every version of <paramref name="other"/> is in this range.</summary>
    public bool Covers(VersionRange other) => other.IsEmpty || (Min <= other.Min && Max >= other.Max);

    public override string ToString() =>
        IsEmpty ? "none" : Max == short.MaxValue ? $"{Min}+" : Min == Max ? $"{Min}" : $"{Min}-{Max}";

    private static short ParseShort(string text) => short.Parse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture);
}
