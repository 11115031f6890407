using Fjord.Log.Records;

namespace Fjord.Log.Producers;

/// <summary>
/// The producer state of one partition replica (Kafka's ProducerStateManager): for every producer
/// id that wrote to it, the epoch and the last batches. A leader checks each client batch against
/// it (duplicate, sequence gap, fenced epoch) before writing; leader and followers alike update it
/// after writing, so whichever replica leads next deduplicates the same retries. Every member is
/// called under the owning log's append lock, which is why the pending list can be reused.
/// </summary>
public sealed class ProducerStateManager
{
    private readonly string _directory;
    private readonly Dictionary<long, ProducerStateEntry> _producers = [];
    private readonly Dictionary<long, object> _verificationGuards = [];
    private readonly List<PendingBatch> _pending = [];

    // The first offsets of the open transactions, for the first unstable offset; first offsets are
    // unique because each is the base offset of a different batch.
    private readonly SortedSet<long> _ongoingTxnFirstOffsets = [];

    // Kafka's unreplicatedTxns: transactions whose marker is written but not yet below the high
    // watermark. They stay unstable until it passes the marker, so a read_committed consumer never
    // reads a transaction's records before its outcome is replicated.
    private readonly SortedSet<(long FirstOffset, long LastOffset)> _unreplicatedTxns = [];
    private readonly List<AbortedTxn> _completedAborts = [];

    public ProducerStateManager(string directory)
    {
        _directory = directory;
    }

    public IReadOnlyCollection<ProducerStateEntry> Producers => _producers.Values;

    public ProducerStateEntry? LastEntry(long producerId) => _producers.GetValueOrDefault(producerId);

    /// <summary>
    /// Kafka's firstUnstableOffset: where the oldest transaction starts that is still open, or whose
    /// marker the high watermark has not passed yet; null when there is none. A read_committed fetch may
    /// not go past it (LSO = min(high watermark, this)).
    /// </summary>
    public long? FirstUnstableOffset
    {
        get
        {
            if (_ongoingTxnFirstOffsets.Count == 0)
            {
                return _unreplicatedTxns.Count == 0 ? null : _unreplicatedTxns.Min.FirstOffset;
            }

            return _unreplicatedTxns.Count == 0 ? _ongoingTxnFirstOffsets.Min : Math.Min(_ongoingTxnFirstOffsets.Min, _unreplicatedTxns.Min.FirstOffset);
        }
    }

    /// <summary>Kafka's onHighWatermarkUpdated: the transactions whose marker is now below the high watermark are stable.</summary>
    public void OnHighWatermarkUpdated(long highWatermark)
    {
        if (_unreplicatedTxns.Count > 0)
        {
            _unreplicatedTxns.RemoveWhere(t => t.LastOffset < highWatermark);
        }
    }

    /// <summary>
    /// The transactions that abort markers of the last completed append (or replay) ended, in marker
    /// order: the caller writes them to the transaction index. Valid until the next prepare or replay.
    /// </summary>
    public IReadOnlyList<AbortedTxn> CompletedAborts => _completedAborts;

    /// <summary>
    /// Checks a client's payload (Kafka's analyzeAndValidateProducerState with origin CLIENT) whose first
    /// batch will get <paramref name="firstOffset"/>. Returns true with <paramref name="duplicate"/> when a
    /// batch repeats one already written: the whole append is then answered with the original offsets
    /// and nothing is written. Throws when a batch is out of sequence or from a fenced epoch. The
    /// accepted batches are kept pending until <see cref="CompleteAppend"/>.
    /// </summary>
    public bool PrepareClientAppend(ReadOnlySpan<byte> payload, long firstOffset, long appendTime, out BatchMetadata duplicate) =>
        PrepareClientAppend(payload, firstOffset, appendTime, verificationGuard: null, out duplicate);

    /// <summary>
    /// <see cref="PrepareClientAppend(ReadOnlySpan{byte}, long, long, out BatchMetadata)"/> for a write whose
    /// transaction was verified with the coordinator's state under <paramref name="verificationGuard"/>
    /// (from <see cref="BeginVerification"/>): a transactional batch that opens the producer's transaction
    /// here is refused with <see cref="InvalidTxnStateException"/> unless that guard is still the
    /// producer's, i.e. no marker ended a transaction of the producer since the verification began.
    /// </summary>
    public bool PrepareClientAppend(ReadOnlySpan<byte> payload, long firstOffset, long appendTime, object? verificationGuard, out BatchMetadata duplicate)
    {
        _pending.Clear();
        var offset = firstOffset;
        for (var position = 0; position < payload.Length;)
        {
            var header = BatchHeader.Read(payload[position..]);
            position += header.SizeInBytes;
            if (header.IsControl)
            {
                throw new InvalidRecordException("a produce request may not carry control batches; only transaction coordinators write them");
            }

            if (header.ProducerId < 0)
            {
                offset += header.LastOffsetDelta + 1;
                continue;
            }

            var lastSequence = ProducerSequence.Increment(header.BaseSequence, header.LastOffsetDelta);
            if (_producers.GetValueOrDefault(header.ProducerId) is { } entry
                && entry.TryFindDuplicate(header.ProducerEpoch, header.BaseSequence, lastSequence, out duplicate))
            {
                _pending.Clear();
                return true;
            }

            CheckSequence(header, offset);
            CheckTransactionState(header, offset);
            CheckVerificationGuard(header, offset, verificationGuard);
            var lastOffset = offset + header.LastOffsetDelta;
            var timestamp = appendTime >= 0 ? appendTime : header.MaxTimestamp;
            _pending.Add(new PendingBatch(header.ProducerId, header.ProducerEpoch, new BatchMetadata(lastSequence, lastOffset, header.LastOffsetDelta, timestamp), header.IsTransactional, null));
            offset = lastOffset + 1;
        }

        duplicate = default;
        return false;
    }

    /// <summary>
    /// A payload written without checks: a follower's (origin REPLICATION; the leader made them, and the
    /// state follows the leader's so this replica deduplicates the same retries and holds the same open
    /// transactions once it leads). Transaction markers end transactions as on the leader. Offsets are the payload's own unless <paramref name="firstOffset"/> is given
    /// (a leader's append, before it stamps them); likewise the timestamps and <paramref name="appendTime"/>.
    /// </summary>
    public void PrepareReplicatedAppend(ReadOnlySpan<byte> payload, long firstOffset = -1, long appendTime = -1) =>
        Prepare(payload, firstOffset, appendTime, checkMarkers: false);

    /// <summary>
    /// A coordinator's payload (origin COORDINATOR), written at <paramref name="firstOffset"/>: like a
    /// replicated one, except that transaction markers are checked first (Kafka's checkProducerEpoch and
    /// checkCoordinatorEpoch for markers). Throws <see cref="InvalidProducerEpochException"/> for a
    /// marker of an epoch older than the producer's and <see cref="TransactionCoordinatorFencedException"/>
    /// for one from an older coordinator epoch than the last marker's; a marker whose record cannot be
    /// read is an <see cref="InvalidRecordException"/>. Nothing is applied after a throw.
    /// </summary>
    public void PrepareCoordinatorAppend(ReadOnlySpan<byte> payload, long firstOffset, long appendTime) =>
        Prepare(payload, firstOffset, appendTime, checkMarkers: true);

    private void Prepare(ReadOnlySpan<byte> payload, long firstOffset, long appendTime, bool checkMarkers)
    {
        _pending.Clear();
        _completedAborts.Clear();
        var offset = firstOffset;
        for (var position = 0; position < payload.Length;)
        {
            var batch = payload[position..];
            var header = BatchHeader.Read(batch);
            position += header.SizeInBytes;
            if (firstOffset >= 0)
            {
                header = header with { BaseOffset = offset, MaxTimestamp = appendTime >= 0 ? appendTime : header.MaxTimestamp };
                offset += header.LastOffsetDelta + 1;
            }

            TransactionMarker? marker = null;
            if (header.IsControl && header.ProducerId >= 0)
            {
                if (checkMarkers)
                {
                    var read = TransactionMarker.Read(batch[..header.SizeInBytes]);
                    CheckMarker(header, read);
                    marker = read;
                }
                else if (TransactionMarker.TryRead(batch[..header.SizeInBytes], out var read))
                {
                    // The leader wrote it; an unreadable control record changes no state there either.
                    marker = read;
                }
            }

            AddPending(header, marker);
        }
    }

    /// <summary>Applies the batches of the last prepared append, now that they are in the log.</summary>
    public void CompleteAppend()
    {
        _completedAborts.Clear();
        foreach (var pending in _pending)
        {
            Apply(pending);
        }

        _pending.Clear();
    }

    /// <summary>
    /// Rebuilding from the log: applies one batch header read from a segment, with the marker of a
    /// control batch (null for data batches, and for a control batch whose record could not be read).
    /// </summary>
    public void Replay(in BatchHeader header, TransactionMarker? marker = null)
    {
        _pending.Clear();
        AddPending(header, marker);
        CompleteAppend();
    }

    /// <summary>Writes the state as of <paramref name="offset"/> (everything below it applied).</summary>
    public void TakeSnapshot(long offset) => ProducerSnapshotFile.Write(_directory, offset, _producers.Values);

    /// <summary>
    /// Forgets everything and loads the newest readable snapshot at or below <paramref name="maxOffset"/>,
    /// deleting those above <paramref name="logEndOffset"/> (they describe a truncated log) and those that
    /// fail their checks; readable ones between the two stay (a replay from an older snapshot, as recovery
    /// does to re-index aborts, passes through their offsets to the same state, and the tier uploads them
    /// with their segments). Returns the offset the log must be replayed from: the snapshot's, or
    /// <paramref name="fallbackOffset"/>.
    /// </summary>
    public long LoadLatestSnapshot(long maxOffset, long fallbackOffset, long logEndOffset = long.MinValue)
    {
        Clear();
        logEndOffset = Math.Max(logEndOffset, maxOffset);
        var offsets = ProducerSnapshotFile.List(_directory);
        for (var i = offsets.Count - 1; i >= 0; i--)
        {
            var path = ProducerSnapshotFile.PathFor(_directory, offsets[i]);
            if (offsets[i] > maxOffset && offsets[i] <= logEndOffset)
            {
                continue;
            }

            if (offsets[i] <= maxOffset && ProducerSnapshotFile.TryRead(path) is { } producers)
            {
                foreach (var producer in producers)
                {
                    _producers[producer.ProducerId] = producer;
                    if (producer.CurrentTxnFirstOffset >= 0)
                    {
                        _ongoingTxnFirstOffsets.Add(producer.CurrentTxnFirstOffset);
                    }
                }

                return offsets[i];
            }

            File.Delete(path);
        }

        return fallbackOffset;
    }

    /// <summary>Forgets every producer and snapshot: the log restarts empty.</summary>
    public void Reset()
    {
        Clear();
        DeleteSnapshots(o => true);
    }

    private void Clear()
    {
        _producers.Clear();
        _pending.Clear();
        _ongoingTxnFirstOffsets.Clear();
        _unreplicatedTxns.Clear();
        _completedAborts.Clear();
        _verificationGuards.Clear();
    }

    /// <summary>Deletes the snapshots below <paramref name="offset"/> (their segments are gone).</summary>
    public void DeleteSnapshotsBefore(long offset) => DeleteSnapshots(o => o < offset);

    /// <summary>
    /// Kafka's behaviour when the log start offset moves: a producer whose last batch is no longer in
    /// the log is forgotten (its next batch is then accepted at any sequence, as for a new producer).
    /// </summary>
    public void EvictProducersBelow(long logStartOffset)
    {
        foreach (var (producerId, entry) in _producers)
        {
            if (entry.LastOffset < logStartOffset && entry.CurrentTxnFirstOffset < 0)
            {
                _producers.Remove(producerId);
            }
        }
    }

    /// <summary>
    /// producer.id.expiration.ms: forgets producers that have not written for that long and hold no
    /// open transaction. Returns how many went.
    /// </summary>
    public int RemoveExpiredProducers(long nowMs, long expirationMs)
    {
        var removed = 0;
        foreach (var (producerId, entry) in _producers)
        {
            if (entry.CurrentTxnFirstOffset < 0 && nowMs - entry.LastTimestamp >= expirationMs)
            {
                _producers.Remove(producerId);
                removed++;
            }
        }

        return removed;
    }

    /// <summary>
    /// Kafka's checkProducerEpoch and checkSequence for a client batch, against the producer's state
    /// including earlier batches of the same payload. An unknown producer may start at any sequence:
    /// since KIP-360 Kafka accepts it rather than answering UNKNOWN_PRODUCER_ID, because its state may
    /// have been removed by retention or expiry while the producer lived on.
    /// </summary>
    private void CheckSequence(in BatchHeader header, long offset)
    {
        short currentEpoch;
        int currentLastSequence;
        if (LastPending(header.ProducerId) is { } pending)
        {
            (currentEpoch, currentLastSequence) = (pending.Epoch, pending.Batch.LastSequence);
        }
        else if (_producers.GetValueOrDefault(header.ProducerId) is { } entry)
        {
            (currentEpoch, currentLastSequence) = (entry.ProducerEpoch, entry.LastSequence);
        }
        else
        {
            return;
        }

        if (header.ProducerEpoch < currentEpoch)
        {
            throw new InvalidProducerEpochException(
                $"producer {header.ProducerId} wrote with epoch {header.ProducerEpoch} at offset {offset}, but its current epoch is {currentEpoch}");
        }

        if (header.ProducerEpoch != currentEpoch)
        {
            if (header.BaseSequence != 0)
            {
                throw new OutOfOrderSequenceException(
                    $"producer {header.ProducerId} started epoch {header.ProducerEpoch} at sequence {header.BaseSequence}; a new epoch starts at 0");
            }
        }
        else if (!ProducerSequence.InSequence(currentLastSequence, header.BaseSequence))
        {
            throw new OutOfOrderSequenceException(
                $"producer {header.ProducerId} (epoch {header.ProducerEpoch}) sent sequence {header.BaseSequence} at offset {offset}; expected {ProducerSequence.Increment(currentLastSequence, 1)}");
        }
    }

    /// <summary>
    /// The client-side half of Kafka's transaction checks (INVALID_TXN_STATE): while a producer's
    /// transaction is open here, it may write only transactional batches, and only of the epoch that
    /// opened it; a newer epoch must wait for the coordinator's marker ending the old transaction.
    /// </summary>
    private void CheckTransactionState(in BatchHeader header, long offset)
    {
        short openEpoch;
        if (LastPending(header.ProducerId) is { } pending)
        {
            if (!pending.IsTransactional && _producers.GetValueOrDefault(header.ProducerId) is not { CurrentTxnFirstOffset: >= 0 })
            {
                return;
            }

            openEpoch = pending.Epoch;
        }
        else if (_producers.GetValueOrDefault(header.ProducerId) is { CurrentTxnFirstOffset: >= 0 } entry)
        {
            openEpoch = entry.ProducerEpoch;
        }
        else
        {
            return;
        }

        if (!header.IsTransactional)
        {
            throw new InvalidTxnStateException(
                $"producer {header.ProducerId} wrote a non-transactional batch at offset {offset} while its transaction is open");
        }

        if (header.ProducerEpoch != openEpoch)
        {
            throw new InvalidTxnStateException(
                $"producer {header.ProducerId} wrote with epoch {header.ProducerEpoch} at offset {offset} while the transaction of epoch {openEpoch} is still open");
        }
    }

    /// <summary>
    /// Kafka's VerificationGuard (KIP-890 part 1): begun before a leader asks whether a producer's
    /// transaction includes this partition, and dropped by any marker of that producer. If a marker lands
    /// between the answer and the append, the verified write would open a transaction nobody ends; the
    /// guard tells the append so.
    /// </summary>
    public object BeginVerification(long producerId)
    {
        var guard = new object();
        _verificationGuards[producerId] = guard;
        return guard;
    }

    private void CheckVerificationGuard(in BatchHeader header, long offset, object? verificationGuard)
    {
        if (verificationGuard is null || !header.IsTransactional || OpensTransaction(header.ProducerId) is false)
        {
            return;
        }

        if (!ReferenceEquals(_verificationGuards.GetValueOrDefault(header.ProducerId), verificationGuard))
        {
            throw new InvalidTxnStateException(
                $"producer {header.ProducerId}'s transaction ended while its write at offset {offset} was being verified");
        }
    }

    /// <summary>Whether a transactional batch of the producer would open its transaction here (none open, none pending).</summary>
    private bool OpensTransaction(long producerId)
    {
        if (LastPending(producerId) is { IsTransactional: true })
        {
            return false;
        }

        return _producers.GetValueOrDefault(producerId) is not { CurrentTxnFirstOffset: >= 0 };
    }

    /// <summary>Kafka's checks of a coordinator's marker against the producer's state.</summary>
    private void CheckMarker(in BatchHeader header, TransactionMarker marker)
    {
        if (_producers.GetValueOrDefault(header.ProducerId) is not { } entry)
        {
            return;
        }

        if (header.ProducerEpoch < entry.ProducerEpoch)
        {
            throw new InvalidProducerEpochException(
                $"{marker.Type} marker for producer {header.ProducerId} has epoch {header.ProducerEpoch}, but its current epoch is {entry.ProducerEpoch}");
        }

        if (marker.CoordinatorEpoch < entry.CoordinatorEpoch)
        {
            throw new TransactionCoordinatorFencedException(
                $"{marker.Type} marker for producer {header.ProducerId} comes from coordinator epoch {marker.CoordinatorEpoch}, older than {entry.CoordinatorEpoch}");
        }
    }

    private PendingBatch? LastPending(long producerId)
    {
        for (var i = _pending.Count - 1; i >= 0; i--)
        {
            if (_pending[i].ProducerId == producerId)
            {
                return _pending[i];
            }
        }

        return null;
    }

    private void AddPending(in BatchHeader header, TransactionMarker? marker)
    {
        if (header.ProducerId < 0 || (header.IsControl && marker is null))
        {
            return;
        }

        var lastSequence = ProducerSequence.Increment(header.BaseSequence, header.LastOffsetDelta);
        var lastOffset = header.BaseOffset + header.LastOffsetDelta;
        _pending.Add(new PendingBatch(
            header.ProducerId, header.ProducerEpoch, new BatchMetadata(lastSequence, lastOffset, header.LastOffsetDelta, header.MaxTimestamp), header.IsTransactional, marker));
    }

    private void Apply(PendingBatch pending)
    {
        if (!_producers.TryGetValue(pending.ProducerId, out var entry))
        {
            entry = new ProducerStateEntry(pending.ProducerId, pending.Epoch);
            _producers.Add(pending.ProducerId, entry);
        }

        if (pending.Marker is { } marker)
        {
            _verificationGuards.Remove(pending.ProducerId);
            CompleteTransaction(entry, pending, marker);
            return;
        }

        entry.AddBatch(pending.Epoch, pending.Batch);
        if (pending.IsTransactional && entry.CurrentTxnFirstOffset < 0)
        {
            _verificationGuards.Remove(pending.ProducerId);
            entry.CurrentTxnFirstOffset = pending.Batch.FirstOffset;
            _ongoingTxnFirstOffsets.Add(pending.Batch.FirstOffset);
        }
    }

    /// <summary>
    /// Kafka's appendEndTxnMarker and completeTxn. A marker for a producer without an open transaction
    /// here (the transaction wrote nothing to this partition, or the marker is a retry) still moves the
    /// producer's epochs, as in Kafka, but ends nothing.
    /// </summary>
    private void CompleteTransaction(ProducerStateEntry entry, in PendingBatch pending, TransactionMarker marker)
    {
        var firstOffset = entry.CurrentTxnFirstOffset;
        var markerOffset = pending.Batch.LastOffset;
        entry.CompleteTransaction(pending.Epoch, marker.CoordinatorEpoch, pending.Batch.Timestamp);
        if (firstOffset < 0)
        {
            return;
        }

        _ongoingTxnFirstOffsets.Remove(firstOffset);
        _unreplicatedTxns.Add((firstOffset, markerOffset));
        if (marker.Type == ControlRecordType.Abort)
        {
            // Kafka's lastStableOffset(completedTxn): the first offset still undecided once this one is
            // decided, or just past the marker when none is.
            var lastStableOffset = _ongoingTxnFirstOffsets.Count == 0 ? markerOffset + 1 : _ongoingTxnFirstOffsets.Min;
            _completedAborts.Add(new AbortedTxn(entry.ProducerId, firstOffset, markerOffset, lastStableOffset));
        }
    }

    private void DeleteSnapshots(Func<long, bool> which)
    {
        foreach (var offset in ProducerSnapshotFile.List(_directory))
        {
            if (which(offset))
            {
                File.Delete(ProducerSnapshotFile.PathFor(_directory, offset));
            }
        }
    }

    /// <summary>A batch checked but not yet applied; <see cref="Marker"/> is set for a transaction marker.</summary>
    private readonly record struct PendingBatch(long ProducerId, short Epoch, BatchMetadata Batch, bool IsTransactional, TransactionMarker? Marker);
}
