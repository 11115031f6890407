using Azure;
using Azure.Data.Tables;

namespace Fjord.Cluster;

public sealed partial class TableMetadataStore : IProducerIdStore
{
    /// <summary>
    /// One compare-and-swap on the singleton block row: read the last block claimed, then write the
    /// next one, inserted when the row does not exist yet and otherwise guarded by the ETag just read.
    /// Of racing brokers exactly one wins each block; the others re-read and claim the one after it.
    /// The row is not versioned metadata (no cached view reads it), so the version row is not bumped
    /// and a claim never makes every broker re-read topics and brokers.
    /// </summary>
    public async Task<ProducerIdBlock> AllocateProducerIdBlockAsync(int brokerId, int blockSize, CancellationToken ct)
    {
        ProducerIdBlockRules.Validate(brokerId, blockSize);
        for (var attempt = 1; attempt <= ConflictBackoff.MaxAttempts; attempt++)
        {
            var row = await ReadRowAsync(TableKeys.ProducerIdBlockRow, ct).ConfigureAwait(false);
            var next = row is null
                ? 0
                : (row.GetInt64(TableColumns.LastProducerId) ?? throw CorruptRow(row, TableColumns.LastProducerId)) + 1;
            var block = ProducerIdBlockRules.Next(brokerId, blockSize, next);
            var entity = new TableEntity(TableKeys.ClusterPartition, TableKeys.ProducerIdBlockRow)
            {
                [TableColumns.NodeId] = brokerId,
                [TableColumns.FirstProducerId] = block.FirstProducerId,
                [TableColumns.LastProducerId] = block.LastProducerId,
            };
            try
            {
                if (row is null)
                    await _table.AddEntityAsync(entity, ct).ConfigureAwait(false);
                else
                    await _table.UpdateEntityAsync(entity, row.ETag, TableUpdateMode.Replace, ct).ConfigureAwait(false);
                TableMetadataStoreLog.ProducerIdBlockClaimed(_logger, brokerId, block.FirstProducerId, block.LastProducerId);
                return block;
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412)
            {
                // 409: another broker inserted the first block; 412: another broker claimed the block read.
                // Either is also what an SDK retry of our own write whose response was lost gets: that
                // block is then skipped, never handed out twice.
                TableMetadataStoreLog.WriteConflict(_logger, nameof(AllocateProducerIdBlockAsync), attempt);
            }

            await ConflictBackoff.DelayAsync(attempt, ct).ConfigureAwait(false);
        }

        throw ConflictBackoff.GiveUp($"claiming a producer-id block for broker {brokerId}");
    }
}
