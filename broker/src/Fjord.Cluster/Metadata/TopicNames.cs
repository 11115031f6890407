namespace Fjord.Cluster;

/// <summary>Kafka's topic name rule: 1–249 characters of [a-zA-Z0-9._-], not "." or "..".</summary>
public static class TopicNames
{
    public const int MaxLength = 249;

    /// <summary>
    /// Kafka's internal offsets topic. Fjord keeps committed offsets in Table storage, so this topic
    /// has partition states (its leaders are the group coordinators) but no logs.
    /// </summary>
    public const string ConsumerOffsets = "__consumer_offsets";

    /// <summary>
    /// Kafka's internal transaction-state topic. Fjord keeps transaction state in Table storage, so this
    /// topic too has partition states (its leaders are the transaction coordinators) but no logs.
    /// </summary>
    public const string TransactionState = "__transaction_state";

    public static bool IsInternal(string name) => name is ConsumerOffsets or TransactionState;

    public static string? Problem(string? name) => Problem(name, MaxLength);

    /// <summary>
    /// Kafka's rule with a shorter bound: a tenant's name is stored behind its prefix, so the name it sends may
    /// be at most <paramref name="maxLength"/> (the tenant's TenantScope.MaxTopicNameLength) long.
    /// </summary>
    public static string? Problem(string? name, int maxLength)
    {
        if (name is not null && name.Length > maxLength) return $"Topic name is longer than {maxLength} characters";
        if (string.IsNullOrEmpty(name)) return "Topic name is empty";
        if (name is "." or "..") return $"Topic name cannot be '{name}'";
        foreach (var c in name)
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
                return $"Topic name '{name}' contains '{c}'; legal characters are ASCII letters, digits, '.', '_' and '-'";
        return null;
    }
}
