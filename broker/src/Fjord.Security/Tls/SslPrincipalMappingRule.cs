using System.Text;
using System.Text.RegularExpressions;

namespace Fjord.Security.Tls;

/// <summary>
/// One entry of <c>ssl.principal.mapping.rules</c>: <c>DEFAULT</c> (the DN unchanged) or
/// <c>RULE:pattern/replacement/[LU]</c>. As in Kafka, a rule applies only when its pattern matches the whole
/// DN, and then every match of the pattern in the DN is replaced (Java's <c>replaceAll</c>).
/// </summary>
internal sealed class SslPrincipalMappingRule
{
    // A DN comes from a client's certificate; a pathological pattern must not stall the handshake thread.
    private static readonly TimeSpan MatchTimeout = TimeSpan.FromSeconds(1);

    private readonly Regex? _pattern;
    private readonly Regex? _wholeMatch;
    private readonly string _replacement = "";
    private readonly bool _toLower;
    private readonly bool _toUpper;

    private SslPrincipalMappingRule(string text) => Text = text;

    private SslPrincipalMappingRule(string text, string pattern, string javaReplacement, char caseOption)
        : this(text)
    {
        try
        {
            _pattern = new Regex(pattern, RegexOptions.CultureInvariant, MatchTimeout);
            _wholeMatch = new Regex($"\\A(?:{pattern})\\z", RegexOptions.CultureInvariant, MatchTimeout);
        }
        catch (ArgumentException e)
        {
            throw new SslConfigException(SslConfigNames.PrincipalMappingRules, $"rule '{text}' has an invalid pattern: {e.Message}", e);
        }
        _replacement = ToDotNetReplacement(javaReplacement, _pattern.GetGroupNumbers().Max(), text);
        _toLower = caseOption == 'L';
        _toUpper = caseOption == 'U';
    }

    public string Text { get; }

    public bool IsDefault => _pattern is null;

    public static SslPrincipalMappingRule Default() => new("DEFAULT");

    public static SslPrincipalMappingRule Create(string text, string pattern, string replacement, char caseOption) =>
        new(text, pattern, replacement, caseOption);

    /// <summary>The short name, or null when this rule does not apply to <paramref name="distinguishedName"/>.</summary>
    public string? Apply(string distinguishedName)
    {
        if (_pattern is null) return distinguishedName;
        if (!_wholeMatch!.IsMatch(distinguishedName)) return null;
        var name = _pattern.Replace(distinguishedName, _replacement);
        if (_toLower) return name.ToLowerInvariant();
        if (_toUpper) return name.ToUpperInvariant();
        return name;
    }

    public override string ToString() => Text;

    /// <summary>
    /// Kafka's replacement is a Java one: <c>$n</c> / <c>${name}</c> are groups and a backslash makes the next
    /// character literal (so <c>\/</c> is a slash). .NET spells a literal dollar <c>$$</c> and braces groups.
    /// </summary>
    private static string ToDotNetReplacement(string java, int maxGroup, string ruleText)
    {
        var result = new StringBuilder(java.Length + 8);
        for (var i = 0; i < java.Length; i++)
        {
            var c = java[i];
            if (c == '\\')
            {
                if (++i == java.Length) throw Invalid(ruleText, "the replacement ends with a lone backslash");
                result.Append(java[i] == '$' ? "$$" : java[i].ToString());
            }
            else if (c == '$')
            {
                if (i + 1 < java.Length && java[i + 1] == '{')
                {
                    var close = java.IndexOf('}', i + 2);
                    if (close < 0) throw Invalid(ruleText, "the replacement has an unclosed ${");
                    result.Append(java, i, close - i + 1);
                    i = close;
                }
                else if (i + 1 < java.Length && char.IsAsciiDigit(java[i + 1]))
                {
                    // Java reads as many digits as still name an existing group.
                    var group = java[++i] - '0';
                    while (i + 1 < java.Length && char.IsAsciiDigit(java[i + 1]) && group * 10 + (java[i + 1] - '0') <= maxGroup)
                        group = group * 10 + (java[++i] - '0');
                    if (group > maxGroup) throw Invalid(ruleText, $"the replacement refers to group ${group} but the pattern has {maxGroup}");
                    result.Append("${").Append(group).Append('}');
                }
                else
                {
                    throw Invalid(ruleText, "a '$' in the replacement must be followed by a group number or {name} (write \\$ for a dollar)");
                }
            }
            else
            {
                result.Append(c);
            }
        }
        return result.ToString();
    }

    private static SslConfigException Invalid(string ruleText, string problem) =>
        new(SslConfigNames.PrincipalMappingRules, $"rule '{ruleText}': {problem}");
}
