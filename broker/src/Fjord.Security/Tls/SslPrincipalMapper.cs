using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Fjord.Security.Principals;

namespace Fjord.Security.Tls;

/// <summary>
/// Kafka's <c>ssl.principal.mapping.rules</c>: turns a client certificate's subject (printed as Java prints it,
/// see <see cref="DistinguishedNameFormatter"/>) into the user name ACLs are written for. Rules are tried in
/// order and the first whose pattern matches the whole DN wins; when none does, authentication fails, as in
/// Kafka. The default, <c>DEFAULT</c>, keeps the full DN: <c>User:CN=alice,OU=eng,O=Fjord,C=NO</c>.
/// </summary>
public sealed class SslPrincipalMapper
{
    private readonly SslPrincipalMappingRule[] _rules;

    private SslPrincipalMapper(SslPrincipalMappingRule[] rules) => _rules = rules;

    public static SslPrincipalMapper Default { get; } = new([SslPrincipalMappingRule.Default()]);

    /// <summary>The rules as configured, one per entry (for logs and diagnostics).</summary>
    public IReadOnlyList<string> Rules => [.. _rules.Select(r => r.Text)];

    /// <summary>
    /// Parses a comma-separated rule list. Commas inside a rule's pattern are allowed (the pattern ends at an
    /// unescaped <c>/</c>); whitespace and newlines around entries are ignored; <c>\/</c> is a literal slash.
    /// </summary>
    /// <exception cref="SslConfigException">An entry is neither DEFAULT nor a well-formed RULE.</exception>
    public static SslPrincipalMapper Parse(string rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        var parsed = new List<SslPrincipalMappingRule>();
        var i = 0;
        SkipWhitespace(rules, ref i);
        while (i < rules.Length)
        {
            var start = i;
            if (string.CompareOrdinal(rules, i, "DEFAULT", 0, 7) == 0)
            {
                i += 7;
                parsed.Add(SslPrincipalMappingRule.Default());
            }
            else if (string.CompareOrdinal(rules, i, "RULE:", 0, 5) == 0)
            {
                i += 5;
                var pattern = ReadUntilSlash(rules, ref i, start);
                var replacement = ReadUntilSlash(rules, ref i, start);
                var caseOption = i < rules.Length && rules[i] is 'L' or 'U' ? rules[i++] : '\0';
                var text = rules[start..i];
                parsed.Add(SslPrincipalMappingRule.Create(text, pattern, replacement, caseOption));
            }
            else
            {
                throw new SslConfigException(SslConfigNames.PrincipalMappingRules,
                    $"'{Excerpt(rules, start)}' is not DEFAULT or RULE:pattern/replacement/[LU]");
            }

            SkipWhitespace(rules, ref i);
            if (i == rules.Length) break;
            if (rules[i] != ',')
                throw new SslConfigException(SslConfigNames.PrincipalMappingRules,
                    $"unexpected '{Excerpt(rules, i)}' after rule '{rules[start..i].Trim()}' (rules are separated by commas; the case option is L or U)");
            i++;
            SkipWhitespace(rules, ref i);
        }
        if (parsed.Count == 0)
            throw new SslConfigException(SslConfigNames.PrincipalMappingRules, "no rule given (DEFAULT keeps the full distinguished name)");
        return new SslPrincipalMapper([.. parsed]);
    }

    /// <summary>The short name for <paramref name="distinguishedName"/>, or null when no rule applies.</summary>
    public string? Map(string distinguishedName)
    {
        ArgumentNullException.ThrowIfNull(distinguishedName);
        foreach (var rule in _rules)
        {
            if (rule.Apply(distinguishedName) is { } name) return name;
        }
        return null;
    }

    /// <summary>
    /// The principal of a TLS connection: <c>User:ANONYMOUS</c> without a client certificate (client auth none,
    /// or requested and not sent), else <c>User:</c> + the mapped subject.
    /// </summary>
    /// <exception cref="AuthenticationException">No rule applies to the subject; Kafka refuses such a client.</exception>
    public KafkaPrincipal PrincipalFor(X509Certificate2? clientCertificate)
    {
        if (clientCertificate is null) return KafkaPrincipal.Anonymous;
        var dn = DistinguishedNameFormatter.ToRfc2253(clientCertificate.SubjectName);
        return Map(dn) is { } name
            ? KafkaPrincipal.User(name)
            : throw new AuthenticationException($"no ssl.principal.mapping.rules entry applies to '{dn}' (rules: {string.Join(", ", Rules)})");
    }

    private static string ReadUntilSlash(string rules, ref int i, int ruleStart)
    {
        var text = new StringBuilder();
        while (i < rules.Length && rules[i] != '/')
        {
            // A backslash keeps the next character, so "\/" does not end the part; the pair is passed on
            // (a regex escape in the pattern, a Java literal in the replacement).
            if (rules[i] == '\\' && i + 1 < rules.Length) text.Append(rules[i++]);
            text.Append(rules[i++]);
        }
        if (i == rules.Length)
            throw new SslConfigException(SslConfigNames.PrincipalMappingRules,
                $"rule '{Excerpt(rules, ruleStart)}' is not RULE:pattern/replacement/ (missing '/')");
        i++;
        return text.ToString();
    }

    private static void SkipWhitespace(string text, ref int i)
    {
        while (i < text.Length && char.IsWhiteSpace(text[i])) i++;
    }

    private static string Excerpt(string text, int from) =>
        text.Length - from > 60 ? string.Concat(text.AsSpan(from, 60), "…") : text[from..];
}
