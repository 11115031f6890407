namespace Fjord.Security.Authentication;

/// <summary>The optional key=value attributes after a SCRAM message's mandatory ones (Kafka's ScramExtensions).</summary>
internal static class ScramExtensions
{
    public static bool TryValidate(ReadOnlySpan<string> attributes, out Dictionary<string, string> extensions)
    {
        extensions = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var attribute in attributes)
        {
            var eq = attribute.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
                return false;
            var key = attribute[..eq];
            foreach (var c in key)
            {
                if (!char.IsAsciiLetter(c))
                    return false;
            }

            if (!extensions.TryAdd(key, attribute[(eq + 1)..]))
                return false;
        }

        return true;
    }
}
