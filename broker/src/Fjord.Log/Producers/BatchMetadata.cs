namespace Fjord.Log.Producers;

/// <summary>
/// One of a producer's recent batches as the log holds it (Kafka's BatchMetadata): enough to
/// recognise a retry of it and answer with the offsets it was first written at.
/// </summary>
public readonly record struct BatchMetadata(int LastSequence, long LastOffset, int OffsetDelta, long Timestamp)
{
    public int FirstSequence => ProducerSequence.Decrement(LastSequence, OffsetDelta);

    public long FirstOffset => LastOffset - OffsetDelta;
}
