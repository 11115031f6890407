using System.Text;
using Fjord.Broker.Configuration;

namespace Fjord.Broker.Security;

/// <summary>
/// The options of a Kafka sasl.jaas.config value, e.g.
/// <c>org.apache.kafka.common.security.scram.ScramLoginModule required username="broker" password="…";</c>:
/// how an operator gives the broker its own credentials for inter-broker SASL, as in Kafka.
/// </summary>
public static class JaasConfig
{
    public static IReadOnlyDictionary<string, string> ParseOptions(string value, string settingName)
    {
        var text = value.Trim();
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        var i = SkipToken(text, 0, settingName, "a login module class name");
        i = SkipToken(text, i, settingName, "a control flag (required)");
        while (true)
        {
            i = SkipSpaces(text, i);
            if (i >= text.Length) throw new ConfigException($"{settingName} must end with ';'");
            if (text[i] == ';') break;
            var eq = text.IndexOf('=', i);
            if (eq < 0) throw new ConfigException($"{settingName}: expected key=\"value\" at '{text[i..]}'");
            var key = text[i..eq].Trim();
            i = eq + 1;
            string optionValue;
            if (i < text.Length && text[i] == '"')
            {
                var sb = new StringBuilder();
                i++;
                while (i < text.Length && text[i] != '"')
                {
                    if (text[i] == '\\' && i + 1 < text.Length) i++;
                    sb.Append(text[i++]);
                }
                if (i >= text.Length) throw new ConfigException($"{settingName}: the value of {key} has no closing quote");
                i++;
                optionValue = sb.ToString();
            }
            else
            {
                var start = i;
                while (i < text.Length && !char.IsWhiteSpace(text[i]) && text[i] != ';') i++;
                optionValue = text[start..i];
            }
            options[key] = optionValue;
        }
        return options;
    }

    private static int SkipToken(string text, int i, string settingName, string what)
    {
        i = SkipSpaces(text, i);
        var start = i;
        while (i < text.Length && !char.IsWhiteSpace(text[i]) && text[i] != ';') i++;
        if (i == start) throw new ConfigException($"{settingName} must start with {what}");
        return i;
    }

    private static int SkipSpaces(string text, int i)
    {
        while (i < text.Length && char.IsWhiteSpace(text[i])) i++;
        return i;
    }
}
