using System.Globalization;
using Azure;
using Azure.Data.Tables;

namespace Fjord.ControlPlane.Usage;

/// <summary>
/// The hourly usage roll-up in a Table (<c>FJORD_USAGE_TABLE</c>, default <c>fjordtenantusage</c>): partition = the
/// tenant's id, row key = the hour (<c>yyyyMMddHH</c>, UTC, so rows list in time order), and one cursor row
/// (<c>!cursor</c>: the topics' end offsets at the last roll-up) in the same partition, so an hour's update and the
/// cursor's move commit in one transaction: a roll-up that fails half-way counts nothing twice.
/// </summary>
public sealed class TenantUsageStore(TableServiceClient service, string tableName = TenantUsageStore.DefaultTableName)
{
    public const string DefaultTableName = "fjordtenantusage";
    private const string CursorRow = "!cursor";
    private const string HourFormat = "yyyyMMddHH";

    private const string EndOffsetsColumn = "EndOffsets";
    private const string RecordsInColumn = "RecordsIn";
    private const string RetainedBytesColumn = "RetainedBytes";
    private const string PartitionsColumn = "Partitions";
    private const string TopicsColumn = "Topics";
    private const string UpdatedAtColumn = "UpdatedAt";

    private readonly TableClient _table = service.GetTableClient(tableName);

    public string TableName => _table.Name;

    public async Task InitializeAsync(CancellationToken ct) => await _table.CreateIfNotExistsAsync(ct).ConfigureAwait(false);

    /// <summary>The tenant's hours from <paramref name="from"/> (inclusive), oldest first.</summary>
    public async Task<IReadOnlyList<TenantUsageHour>> ListAsync(string tenant, DateTimeOffset from, CancellationToken ct)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {tenant} and RowKey ge {HourKey(from)}");
        var hours = new List<TenantUsageHour>();
        try
        {
            await foreach (var row in _table.QueryAsync<TableEntity>(filter, cancellationToken: ct).ConfigureAwait(false))
            {
                if (row.RowKey == CursorRow) continue;
                hours.Add(ReadHour(row));
            }
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // No roll-up has run yet: no usage, not an error.
            return [];
        }
        return hours;
    }

    /// <summary>
    /// Adds the records appended since the last roll-up to <paramref name="now"/>'s hour and raises its peaks, moving
    /// the cursor in the same transaction; a roll-up that raced it (412) is re-read and retried.
    /// </summary>
    /// <returns>The hour as written.</returns>
    public async Task<TenantUsageHour> AddAsync(string tenant, TenantUsageSnapshot snapshot, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var hour = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, 0, 0, TimeSpan.Zero);
        for (var attempt = 1; ; attempt++)
        {
            var cursor = await _table.GetEntityIfExistsAsync<TableEntity>(tenant, CursorRow, cancellationToken: ct).ConfigureAwait(false);
            var existing = await _table.GetEntityIfExistsAsync<TableEntity>(tenant, HourKey(hour), cancellationToken: ct).ConfigureAwait(false);
            var previous = cursor.HasValue ? DecodeOffsets(cursor.Value!.GetString(EndOffsetsColumn)) : null;
            var old = existing.HasValue ? ReadHour(existing.Value!) : new TenantUsageHour(hour, 0, 0, 0, 0, now);
            var written = new TenantUsageHour(hour, old.RecordsIn + RecordsSince(previous, snapshot.EndOffsets), Math.Max(old.RetainedBytes, snapshot.RetainedBytes),
                Math.Max(old.Partitions, snapshot.Partitions), Math.Max(old.Topics, snapshot.Topics), now);
            var hourRow = new TableEntity(tenant, HourKey(hour))
            {
                [RecordsInColumn] = written.RecordsIn,
                [RetainedBytesColumn] = written.RetainedBytes,
                [PartitionsColumn] = written.Partitions,
                [TopicsColumn] = written.Topics,
                [UpdatedAtColumn] = now,
            };
            var cursorRow = new TableEntity(tenant, CursorRow) { [EndOffsetsColumn] = EncodeOffsets(snapshot.EndOffsets), [UpdatedAtColumn] = now };
            TableTransactionAction[] actions =
            [
                existing.HasValue ? new(TableTransactionActionType.UpdateReplace, hourRow, existing.Value!.ETag) : new(TableTransactionActionType.Add, hourRow),
                cursor.HasValue ? new(TableTransactionActionType.UpdateReplace, cursorRow, cursor.Value!.ETag) : new(TableTransactionActionType.Add, cursorRow),
            ];
            try
            {
                await _table.SubmitTransactionAsync(actions, ct).ConfigureAwait(false);
                return written;
            }
            catch (TableTransactionFailedException e) when (e.Status is 409 or 412 && attempt < 10)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 50 * attempt)), ct).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Growth of each topic's end offsets since the cursor. A topic new since then counts from 0 (it was created
    /// in between); with no cursor at all (the tenant's first roll-up) nothing counts: the records are older than the
    /// roll-up and cannot be placed in an hour. Offsets never go back on a live topic, so a drop means it was re-created.
    /// </summary>
    internal static long RecordsSince(IReadOnlyDictionary<Guid, long>? previous, IReadOnlyDictionary<Guid, long> current)
    {
        if (previous is null) return 0;
        long records = 0;
        foreach (var (topic, end) in current)
            records += Math.Max(0, end - previous.GetValueOrDefault(topic));
        return records;
    }

    private static string HourKey(DateTimeOffset hour) => hour.UtcDateTime.ToString(HourFormat, CultureInfo.InvariantCulture);

    private static TenantUsageHour ReadHour(TableEntity row) => new(
        new DateTimeOffset(DateTime.SpecifyKind(DateTime.ParseExact(row.RowKey, HourFormat, CultureInfo.InvariantCulture), DateTimeKind.Utc)),
        row.GetInt64(RecordsInColumn) ?? 0,
        row.GetInt64(RetainedBytesColumn) ?? 0,
        row.GetInt32(PartitionsColumn) ?? 0,
        row.GetInt32(TopicsColumn) ?? 0,
        row.GetDateTimeOffset(UpdatedAtColumn) ?? DateTimeOffset.MinValue);

    private static string EncodeOffsets(IReadOnlyDictionary<Guid, long> offsets) =>
        string.Join(';', offsets.Select(o => o.Key.ToString("N") + ":" + o.Value.ToString(CultureInfo.InvariantCulture)));

    private static Dictionary<Guid, long> DecodeOffsets(string? encoded)
    {
        var offsets = new Dictionary<Guid, long>();
        foreach (var pair in (encoded ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = pair.Split(':', 2);
            if (parts.Length == 2 && Guid.TryParseExact(parts[0], "N", out var topic) && long.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var end))
                offsets[topic] = end;
        }
        return offsets;
    }
}
