namespace Fjord.Log.Producers;

/// <summary>
/// Producer sequence arithmetic. Sequences are int32 and wrap from int.MaxValue to 0 (Kafka's
/// DefaultRecordBatch.incrementSequence/decrementSequence), so a long-lived producer never runs out.
/// </summary>
public static class ProducerSequence
{
    /// <summary>The sequence of a batch without a producer id (Kafka's NO_SEQUENCE).</summary>
    public const int None = -1;

    public static int Increment(int sequence, int increment) =>
        sequence > int.MaxValue - increment ? increment - (int.MaxValue - sequence) - 1 : sequence + increment;

    public static int Decrement(int sequence, int decrement) =>
        sequence < decrement ? int.MaxValue - (decrement - sequence) + 1 : sequence - decrement;

    /// <summary>True when <paramref name="next"/> directly follows <paramref name="last"/>, across the wrap too.</summary>
    public static bool InSequence(int last, int next) =>
        next == (long)last + 1 || (next == 0 && last == int.MaxValue);
}
