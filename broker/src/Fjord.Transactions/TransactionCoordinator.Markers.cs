using System.Collections.Concurrent;
using Fjord.Cluster;

namespace Fjord.Transactions;

public sealed partial class TransactionCoordinator
{
    private readonly ConcurrentDictionary<Task, byte> _completions = new();

    /// <summary>
    /// Aborts an open transaction under a bumped epoch (Kafka's PrepareEpochFence, written here straight
    /// as PrepareAbort at the new epoch): the old producer's next request is fenced, and the abort markers
    /// carry the new epoch, so partition leaders refuse the old one's late batches. At Short.MaxValue there is
    /// no epoch left to bump to; the transaction is then aborted at its epoch. False when the write lost.
    /// </summary>
    private async Task<bool> FenceAndAbortAsync(CoordinatorPartition partition, TransactionEntry entry, TransactionMetadata current, string reason, CancellationToken ct)
    {
        TransactionCoordinatorLog.Aborting(_logger, current.TransactionalId, current.ProducerId, current.ProducerEpoch, reason);
        var next = current with
        {
            State = TransactionState.PrepareAbort,
            ProducerEpoch = current.ProducerEpoch == short.MaxValue ? current.ProducerEpoch : (short)(current.ProducerEpoch + 1),
            LastProducerEpoch = TransactionMetadata.NoProducerEpoch,
            TransactionLastUpdateTimestampMs = NowMs,
        };
        if (!await WriteAsync(partition, entry, next, ct).ConfigureAwait(false))
        {
            return false;
        }

        StartCompletion(partition, entry, entry.Stored!);
        return true;
    }

    /// <summary>Writes the markers of a decided transaction and then its Complete state, in the background.</summary>
    private void StartCompletion(CoordinatorPartition partition, TransactionEntry entry, StoredTransaction prepared)
    {
        var completion = Task.Run(() => CompleteAsync(partition, entry, prepared));
        _completions.TryAdd(completion, 0);
        _ = completion.ContinueWith(t => _completions.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>Completes when every completion started so far has finished (tests; disposal).</summary>
    internal Task WhenCompletionsIdleAsync() => Task.WhenAll(_completions.Keys);

    private async Task CompleteAsync(CoordinatorPartition partition, TransactionEntry entry, StoredTransaction stored)
    {
        var ct = partition.Unloading.Token;
        var prepared = stored.Metadata;
        try
        {
            var commit = prepared.State == TransactionState.PrepareCommit;
            if (prepared.Partitions.Count > 0)
            {
                await WriteMarkersUntilDoneAsync(partition, prepared, commit, ct).ConfigureAwait(false);
            }

            await entry.Gate.WaitAsync(ct).ConfigureAwait(false);
            try
            {
                // Someone else moved the transaction on (a reload adopted another writer's row): not ours to finish.
                if (entry.Removed || !IsCurrent(partition) || entry.Stored?.ETag != stored.ETag)
                {
                    return;
                }

                var complete = prepared with
                {
                    State = commit ? TransactionState.CompleteCommit : TransactionState.CompleteAbort,
                    Partitions = [],
                    TransactionLastUpdateTimestampMs = NowMs,
                };
                if (prepared.NextProducerId != TransactionMetadata.NoProducerId)
                {
                    complete = complete with
                    {
                        ProducerId = prepared.NextProducerId,
                        PreviousProducerId = prepared.ProducerId,
                        NextProducerId = TransactionMetadata.NoProducerId,
                        ProducerEpoch = 0,
                    };
                }

                await WriteAsync(partition, entry, complete, ct).ConfigureAwait(false);
            }
            finally
            {
                entry.Gate.Release();
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Unloaded: the partition's next coordinator finds the Prepare state and finishes it.
        }
        catch (Exception ex)
        {
            // A store failure: the Prepare state stays; the next load of the partition resumes it.
            TransactionCoordinatorLog.CompletionFailed(_logger, prepared.TransactionalId, ex);
        }
    }

    private async Task WriteMarkersUntilDoneAsync(CoordinatorPartition partition, TransactionMetadata prepared, bool commit, CancellationToken ct)
    {
        var partitions = AsTuples(prepared.Partitions);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await _markers.WriteMarkersAsync(prepared.ProducerId, prepared.ProducerEpoch, partition.CoordinatorEpoch, commit, partitions, ct).ConfigureAwait(false);
                return;
            }
            catch (Exception ex) when (!ct.IsCancellationRequested)
            {
                TransactionCoordinatorLog.MarkersFailed(_logger, commit ? "commit" : "abort", prepared.TransactionalId, prepared.ProducerId, prepared.ProducerEpoch, attempt, ex);
            }

            var backoff = Math.Min(_config.MarkerRetryBackoffMaxMs, _config.MarkerRetryBackoffMs * Math.Pow(2, Math.Min(attempt - 1, 20)));
            await Task.Delay(TimeSpan.FromMilliseconds(backoff), _time, ct).ConfigureAwait(false);
        }
    }
}
