namespace Fjord.Log.Producers;

/// <summary>
/// What a partition knows of one producer (Kafka's ProducerStateEntry): its epoch, its last few
/// batches (for duplicate detection and the next expected sequence) and when it last wrote.
/// Mutated only under the owning log's append lock.
/// </summary>
public sealed class ProducerStateEntry
{
    /// <summary>Kafka retains the metadata of the last five batches: max.in.flight.requests.per.connection's upper bound with idempotence.</summary>
    public const int BatchesToRetain = 5;

    private readonly BatchMetadata[] _batches = new BatchMetadata[BatchesToRetain];
    private int _count;

    public ProducerStateEntry(long producerId, short producerEpoch)
    {
        ProducerId = producerId;
        ProducerEpoch = producerEpoch;
    }

    public long ProducerId { get; }

    public short ProducerEpoch { get; private set; }

    /// <summary>The max timestamp of the producer's last batch; expiry (producer.id.expiration.ms) measures from it.</summary>
    public long LastTimestamp { get; internal set; } = -1;

    /// <summary>The transaction coordinator's epoch that last wrote a marker for this producer; -1 if none.</summary>
    public int CoordinatorEpoch { get; set; } = -1;

    /// <summary>Where the producer's open transaction starts; -1 when none is open.</summary>
    public long CurrentTxnFirstOffset { get; set; } = -1;

    public int BatchCount => _count;

    /// <summary>The last sequence written, or <see cref="ProducerSequence.None"/> when no batch is known.</summary>
    public int LastSequence => _count == 0 ? ProducerSequence.None : _batches[_count - 1].LastSequence;

    /// <summary>The last offset written by this producer, or -1.</summary>
    public long LastOffset => _count == 0 ? -1 : _batches[_count - 1].LastOffset;

    /// <summary>The retained batches, oldest first.</summary>
    public ReadOnlySpan<BatchMetadata> Batches => _batches.AsSpan(0, _count);

    /// <summary>Kafka's findDuplicateBatch: a retained batch of the same epoch with exactly this sequence range.</summary>
    public bool TryFindDuplicate(short producerEpoch, int firstSequence, int lastSequence, out BatchMetadata duplicate)
    {
        if (producerEpoch == ProducerEpoch)
        {
            foreach (var batch in Batches)
            {
                if (batch.LastSequence == lastSequence && batch.FirstSequence == firstSequence)
                {
                    duplicate = batch;
                    return true;
                }
            }
        }

        duplicate = default;
        return false;
    }

    /// <summary>Records a written batch; a new epoch forgets the batches of the old one.</summary>
    public void AddBatch(short producerEpoch, BatchMetadata batch)
    {
        if (producerEpoch != ProducerEpoch)
        {
            ProducerEpoch = producerEpoch;
            _count = 0;
        }

        if (_count == BatchesToRetain)
        {
            Array.Copy(_batches, 1, _batches, 0, BatchesToRetain - 1);
            _count--;
        }

        _batches[_count++] = batch;
        LastTimestamp = Math.Max(LastTimestamp, batch.Timestamp);
    }

    /// <summary>
    /// A transaction marker for this producer: no transaction is open any more, and the epochs are the
    /// marker's (a bumped producer epoch forgets the old epoch's batches, as a new data epoch does).
    /// </summary>
    public void CompleteTransaction(short producerEpoch, int coordinatorEpoch, long timestamp)
    {
        if (producerEpoch != ProducerEpoch)
        {
            ProducerEpoch = producerEpoch;
            _count = 0;
        }

        CoordinatorEpoch = coordinatorEpoch;
        CurrentTxnFirstOffset = -1;
        LastTimestamp = Math.Max(LastTimestamp, timestamp);
    }

    public ProducerStateEntry Clone()
    {
        var copy = new ProducerStateEntry(ProducerId, ProducerEpoch)
        {
            LastTimestamp = LastTimestamp,
            CoordinatorEpoch = CoordinatorEpoch,
            CurrentTxnFirstOffset = CurrentTxnFirstOffset,
        };
        Array.Copy(_batches, copy._batches, _count);
        copy._count = _count;
        return copy;
    }
}
