using System.Buffers.Binary;
using System.Text;

namespace Fjord.Groups;

/// <summary>
/// Reads only the topic list of Kafka's ConsumerProtocolSubscription (int16 version, then topics as an
/// int32-counted array of int16-length strings in every version, non-flexible). The coordinator never
/// parses subscriptions except here, for OffsetDelete's GROUP_SUBSCRIBED_TO_TOPIC rule.
/// </summary>
internal static class ConsumerProtocolSubscriptionReader
{
    public const string ConsumerProtocolType = "consumer";

    /// <summary>False when the bytes are not a subscription; the caller then assumes every topic is subscribed.</summary>
    public static bool TryReadTopics(ReadOnlySpan<byte> metadata, HashSet<string> topics)
    {
        if (metadata.Length < 6 || BinaryPrimitives.ReadInt16BigEndian(metadata) < 0)
        {
            return false;
        }

        var count = BinaryPrimitives.ReadInt32BigEndian(metadata[2..]);
        var rest = metadata[6..];
        if (count < 0 || count > rest.Length / 2)
        {
            return false;
        }

        for (var i = 0; i < count; i++)
        {
            if (rest.Length < 2)
            {
                return false;
            }

            var length = BinaryPrimitives.ReadInt16BigEndian(rest);
            if (length < 0 || rest.Length < 2 + length)
            {
                return false;
            }

            topics.Add(Encoding.UTF8.GetString(rest.Slice(2, length)));
            rest = rest[(2 + length)..];
        }

        return true;
    }
}
