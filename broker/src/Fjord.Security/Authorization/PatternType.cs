namespace Fjord.Security.Authorization;

/// <summary>Kafka's resource pattern types (KIP-290), with their wire codes. Any and Match appear only in filters.</summary>
public enum PatternType : sbyte
{
    Unknown = 0,
    Any = 1,
    Match = 2,
    Literal = 3,
    Prefixed = 4,
}
