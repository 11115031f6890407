using Fjord.Protocol.Generator.Model;

namespace Fjord.Protocol.Generator.Emit;

/// <summary>
/// Folds "is <c>version</c> in this range" against the versions a method can actually see, so
/// generated code only tests what can vary: a field present in every reachable version gets no
/// <c>if</c> at all.
/// </summary>
internal static class Conditions
{
    public const string True = "true";
    public const string False = "false";

    public static string InRange(VersionRange range, VersionRange context)
    {
        var overlap = range.Intersect(context);
        if (overlap.IsEmpty)
        {
            return False;
        }

        if (range.Covers(context))
        {
            return True;
        }

        var parts = new List<string>(2);
        if (range.Min > context.Min)
        {
            parts.Add($"version >= {range.Min}");
        }

        if (range.Max < context.Max)
        {
            parts.Add($"version <= {range.Max}");
        }

        return string.Join(" && ", parts);
    }

    /// <summary>A C# expression choosing between two expressions by a folded condition.</summary>
    public static string Choose(string condition, string whenTrue, string whenFalse) => condition switch
    {
        True => whenTrue,
        False => whenFalse,
        _ => $"({condition}) ? {whenTrue} : {whenFalse}",
    };

    public static string And(string left, string right)
    {
        if (left == False || right == False)
        {
            return False;
        }

        if (left == True)
        {
            return right;
        }

        return right == True ? left : $"({left}) && ({right})";
    }
}
