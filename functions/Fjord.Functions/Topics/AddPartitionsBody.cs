using Fjord.Functions.Http;

namespace Fjord.Functions.Topics;

/// <summary>The body of <c>POST …/topics/{topic}/partitions</c>: the new total partition count, as Kafka's CreatePartitions takes it.</summary>
public sealed record AddPartitionsBody(int Count) : IRequestBody
{
    public static string Example => """{"count": 12}""";
}
