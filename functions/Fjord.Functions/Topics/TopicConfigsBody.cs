using Fjord.Functions.Http;

namespace Fjord.Functions.Topics;

/// <summary>The body of <c>PUT …/topics/{topic}/configs</c>: every override the topic keeps; a config left out returns to its default.</summary>
public sealed record TopicConfigsBody(IReadOnlyDictionary<string, string> Configs) : IRequestBody
{
    public static string Example => """{"configs": {"retention.ms": "86400000"}}""";
}
