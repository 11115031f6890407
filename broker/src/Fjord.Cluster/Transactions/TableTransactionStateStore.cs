using Azure;
using Azure.Data.Tables;

namespace Fjord.Cluster;

/// <summary>
/// <see cref="ITransactionStateStore"/> on Azure Table storage: one table (default
/// <see cref="DefaultTableName"/>), partition key = the <c>__transaction_state</c> partition, row key =
/// the escaped transactional id (see <see cref="TransactionTableKeys"/>). Inserts are AddEntity (409 when
/// the row exists), updates and deletes carry If-Match with the ETag read (412 when another writer
/// got there first); both are returned as conflicts, never retried here: the coordinator decides what
/// a lost race means.
/// </summary>
public sealed class TableTransactionStateStore : ITransactionStateStore
{
    public const string DefaultTableName = "fjordtransactions";

    private readonly TableClient _table;

    public TableTransactionStateStore(TableServiceClient service, string tableName = DefaultTableName)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentException.ThrowIfNullOrEmpty(tableName);
        if (!IsValidTableName(tableName))
            throw new ArgumentException($"'{tableName}' is not a Table storage table name: 3 to 63 letters and digits, starting with a letter.", nameof(tableName));
        _table = service.GetTableClient(tableName);
    }

    public string TableName => _table.Name;

    /// <summary>Creates the table if it does not exist yet. Call once before anything else.</summary>
    public async Task InitializeAsync(CancellationToken ct)
    {
        await _table.CreateIfNotExistsAsync(ct).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<StoredTransaction>> LoadPartitionAsync(int coordinatorPartition, CancellationToken ct)
    {
        TransactionStoreValidation.ValidatePartition(coordinatorPartition);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {TransactionTableKeys.Partition(coordinatorPartition)}");
        var rows = new List<StoredTransaction>();
        await foreach (var row in _table.QueryAsync<TableEntity>(filter, cancellationToken: ct).ConfigureAwait(false))
            rows.Add(FromEntity(row, coordinatorPartition));
        rows.Sort((a, b) => string.CompareOrdinal(a.Metadata.TransactionalId, b.Metadata.TransactionalId));
        return rows;
    }

    public async Task<StoredTransaction?> ReadAsync(int coordinatorPartition, string transactionalId, CancellationToken ct)
    {
        TransactionStoreValidation.ValidatePartition(coordinatorPartition);
        TransactionStoreValidation.ValidateId(transactionalId);
        var response = await _table.GetEntityIfExistsAsync<TableEntity>(
            TransactionTableKeys.Partition(coordinatorPartition), TransactionTableKeys.Row(transactionalId), cancellationToken: ct).ConfigureAwait(false);
        if (!response.HasValue)
            return null;
        var stored = FromEntity(response.Value!, coordinatorPartition);
        if (!string.Equals(stored.Metadata.TransactionalId, transactionalId, StringComparison.Ordinal))
            throw new InvalidOperationException($"The transaction row under key '{response.Value!.RowKey}' belongs to another transactional id; hashed keys collided.");
        return stored;
    }

    public async Task<StoredTransaction?> WriteAsync(TransactionMetadata metadata, string? expectedETag, CancellationToken ct)
    {
        TransactionStoreValidation.Validate(metadata);
        var entity = ToEntity(metadata);
        try
        {
            var response = expectedETag is null
                ? await _table.AddEntityAsync(entity, ct).ConfigureAwait(false)
                : await _table.UpdateEntityAsync(entity, new ETag(expectedETag), TableUpdateMode.Replace, ct).ConfigureAwait(false);
            var etag = response.Headers.ETag ?? throw new InvalidOperationException("Table storage answered a write without an ETag.");
            return new StoredTransaction(metadata with { Partitions = metadata.Partitions.ToArray() }, etag.ToString());
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412 or 404)
        {
            // 409: the row exists (insert-if-absent lost); 412: another writer changed it; 404: it was deleted.
            // An SDK retry of our own write whose response was lost also lands here: the caller re-reads.
            return null;
        }
    }

    public async Task<bool> DeleteAsync(int coordinatorPartition, string transactionalId, string expectedETag, CancellationToken ct)
    {
        TransactionStoreValidation.ValidatePartition(coordinatorPartition);
        TransactionStoreValidation.ValidateId(transactionalId);
        ArgumentException.ThrowIfNullOrEmpty(expectedETag);
        try
        {
            var response = await _table.DeleteEntityAsync(
                TransactionTableKeys.Partition(coordinatorPartition), TransactionTableKeys.Row(transactionalId), new ETag(expectedETag), ct).ConfigureAwait(false);
            // The SDK answers a missing row with its 404 response instead of throwing.
            return response.Status != 404;
        }
        catch (RequestFailedException e) when (e.Status is 412 or 404)
        {
            return false;
        }
    }

    private static bool IsValidTableName(string name) =>
        name.Length is >= 3 and <= 63 && char.IsAsciiLetter(name[0]) && name.All(char.IsAsciiLetterOrDigit);

    private static TableEntity ToEntity(TransactionMetadata m) =>
        new(TransactionTableKeys.Partition(m.CoordinatorPartition), TransactionTableKeys.Row(m.TransactionalId))
        {
            [TransactionTableColumns.TransactionalId] = m.TransactionalId,
            [TransactionTableColumns.ProducerId] = m.ProducerId,
            [TransactionTableColumns.PreviousProducerId] = m.PreviousProducerId,
            [TransactionTableColumns.NextProducerId] = m.NextProducerId,
            [TransactionTableColumns.ProducerEpoch] = (int)m.ProducerEpoch,
            [TransactionTableColumns.LastProducerEpoch] = (int)m.LastProducerEpoch,
            [TransactionTableColumns.TransactionTimeoutMs] = m.TransactionTimeoutMs,
            [TransactionTableColumns.State] = m.State.ToString(),
            [TransactionTableColumns.Partitions] = TransactionPartitionsCodec.Encode(m.Partitions),
            [TransactionTableColumns.TransactionStartTimestampMs] = m.TransactionStartTimestampMs,
            [TransactionTableColumns.TransactionLastUpdateTimestampMs] = m.TransactionLastUpdateTimestampMs,
            [TransactionTableColumns.CoordinatorEpoch] = m.CoordinatorEpoch,
        };

    private static StoredTransaction FromEntity(TableEntity row, int coordinatorPartition)
    {
        var stateName = Required(row.GetString(TransactionTableColumns.State), row, TransactionTableColumns.State);
        if (!Enum.TryParse<TransactionState>(stateName, ignoreCase: false, out var state))
            throw new FormatException($"Transaction row '{row.RowKey}' has the unknown state '{stateName}'.");
        var metadata = new TransactionMetadata(
            Required(row.GetString(TransactionTableColumns.TransactionalId), row, TransactionTableColumns.TransactionalId),
            coordinatorPartition,
            Required(row.GetInt64(TransactionTableColumns.ProducerId), row, TransactionTableColumns.ProducerId),
            row.GetInt64(TransactionTableColumns.PreviousProducerId) ?? TransactionMetadata.NoProducerId,
            row.GetInt64(TransactionTableColumns.NextProducerId) ?? TransactionMetadata.NoProducerId,
            checked((short)Required(row.GetInt32(TransactionTableColumns.ProducerEpoch), row, TransactionTableColumns.ProducerEpoch)),
            checked((short)(row.GetInt32(TransactionTableColumns.LastProducerEpoch) ?? TransactionMetadata.NoProducerEpoch)),
            Required(row.GetInt32(TransactionTableColumns.TransactionTimeoutMs), row, TransactionTableColumns.TransactionTimeoutMs),
            state,
            TransactionPartitionsCodec.Decode(row.GetBinary(TransactionTableColumns.Partitions) ?? []),
            row.GetInt64(TransactionTableColumns.TransactionStartTimestampMs) ?? -1,
            row.GetInt64(TransactionTableColumns.TransactionLastUpdateTimestampMs) ?? 0,
            row.GetInt32(TransactionTableColumns.CoordinatorEpoch) ?? 0);
        return new StoredTransaction(metadata, row.ETag.ToString());
    }

    private static T Required<T>(T? value, TableEntity row, string column)
        where T : struct =>
        value ?? throw new FormatException($"Transaction row '{row.RowKey}' has no {column}.");

    private static string Required(string? value, TableEntity row, string column) =>
        value ?? throw new FormatException($"Transaction row '{row.RowKey}' has no {column}.");
}
