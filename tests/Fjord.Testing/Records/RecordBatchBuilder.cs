using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;

namespace Fjord.Testing.Records;

/// <summary>
/// Builds one uncompressed Kafka record batch (magic 2) byte by byte, as a producer would
/// send it, and can spoil it on purpose for hostile-input tests. The layout follows
/// implementation.html: a 61-byte batch header, then records whose lengths and deltas are
/// zig-zag varints; the CRC-32C covers everything from the attributes to the end.
/// </summary>
public sealed class RecordBatchBuilder
{
    /// <summary>baseOffset (8) + batchLength (4): the part of the header batchLength does not count.</summary>
    public const int LogOverhead = 12;
    public const int HeaderSize = 61;
    public const int PartitionLeaderEpochOffset = 12;
    public const int MagicOffset = 16;
    public const int CrcOffset = 17;
    public const int AttributesOffset = 21;
    public const int RecordCountOffset = 57;

    private readonly List<(byte[]? Key, byte[]? Value, long TimestampDelta, IReadOnlyList<KeyValuePair<string, byte[]?>> Headers)> _records = [];
    private readonly long _baseTimestamp;
    private long _baseOffset;
    private int _partitionLeaderEpoch = -1;
    private long _producerId = -1;
    private short _producerEpoch = -1;
    private int _baseSequence = -1;
    private sbyte _magic = 2;
    private bool _corruptCrc;
    private int? _declaredRecordCount;
    private int _truncateBy;

    public RecordBatchBuilder(long baseTimestamp) => _baseTimestamp = baseTimestamp;

    /// <summary>A batch stamped with a recent time, so retention never deletes it during a test.</summary>
    public RecordBatchBuilder() : this(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds())
    {
    }

    public int Count => _records.Count;

    public RecordBatchBuilder Add(byte[]? key, byte[]? value, long timestampDelta = 0, IReadOnlyList<KeyValuePair<string, byte[]?>>? headers = null)
    {
        _records.Add((key, value, timestampDelta, headers ?? []));
        return this;
    }

    public RecordBatchBuilder Add(string? key, string? value, long timestampDelta = 0) =>
        Add(key is null ? null : Encoding.UTF8.GetBytes(key), value is null ? null : Encoding.UTF8.GetBytes(value), timestampDelta);

    /// <summary>Producers send 0; the broker assigns the real base offset.</summary>
    public RecordBatchBuilder WithBaseOffset(long baseOffset)
    {
        _baseOffset = baseOffset;
        return this;
    }

    /// <summary>Producers send -1 (NO_PARTITION_LEADER_EPOCH); the leader stamps its epoch.</summary>
    public RecordBatchBuilder WithPartitionLeaderEpoch(int epoch)
    {
        _partitionLeaderEpoch = epoch;
        return this;
    }

    public RecordBatchBuilder WithProducer(long producerId, short producerEpoch, int baseSequence)
    {
        _producerId = producerId;
        _producerEpoch = producerEpoch;
        _baseSequence = baseSequence;
        return this;
    }

    /// <summary>Writes another magic byte into an otherwise v2 layout (e.g. 1, which a broker must refuse).</summary>
    public RecordBatchBuilder WithMagic(sbyte magic)
    {
        _magic = magic;
        return this;
    }

    /// <summary>Flips the stored CRC so it no longer matches the bytes it covers.</summary>
    public RecordBatchBuilder WithBadCrc()
    {
        _corruptCrc = true;
        return this;
    }

    /// <summary>Declares a record count different from the records actually written (the CRC stays valid).</summary>
    public RecordBatchBuilder WithDeclaredRecordCount(int count)
    {
        _declaredRecordCount = count;
        return this;
    }

    /// <summary>Cuts the last <paramref name="bytes"/> bytes off the built batch, leaving batchLength claiming more.</summary>
    public RecordBatchBuilder Truncated(int bytes)
    {
        _truncateBy = bytes;
        return this;
    }

    public byte[] Build()
    {
        var records = EncodeRecords();
        var batch = new byte[HeaderSize + records.Length];
        var span = batch.AsSpan();
        var lastOffsetDelta = Math.Max(0, _records.Count - 1);
        var maxTimestampDelta = _records.Count == 0 ? 0 : _records.Max(r => r.TimestampDelta);
        BinaryPrimitives.WriteInt64BigEndian(span, _baseOffset);
        BinaryPrimitives.WriteInt32BigEndian(span[8..], batch.Length - LogOverhead);
        BinaryPrimitives.WriteInt32BigEndian(span[PartitionLeaderEpochOffset..], _partitionLeaderEpoch);
        span[MagicOffset] = (byte)_magic;
        BinaryPrimitives.WriteInt16BigEndian(span[AttributesOffset..], 0); // no compression, CreateTime, not transactional
        BinaryPrimitives.WriteInt32BigEndian(span[23..], lastOffsetDelta);
        BinaryPrimitives.WriteInt64BigEndian(span[27..], _baseTimestamp);
        BinaryPrimitives.WriteInt64BigEndian(span[35..], _baseTimestamp + maxTimestampDelta);
        BinaryPrimitives.WriteInt64BigEndian(span[43..], _producerId);
        BinaryPrimitives.WriteInt16BigEndian(span[51..], _producerEpoch);
        BinaryPrimitives.WriteInt32BigEndian(span[53..], _baseSequence);
        BinaryPrimitives.WriteInt32BigEndian(span[RecordCountOffset..], _declaredRecordCount ?? _records.Count);
        records.CopyTo(span[HeaderSize..]);
        var crc = ComputeCrc(batch);
        BinaryPrimitives.WriteUInt32BigEndian(span[CrcOffset..], _corruptCrc ? ~crc : crc);
        return _truncateBy > 0 ? batch[..Math.Max(0, batch.Length - _truncateBy)] : batch;
    }

    /// <summary>The CRC-32C Kafka stores in a v2 batch: over attributes through the last record.</summary>
    public static uint ComputeCrc(ReadOnlySpan<byte> batch) =>
        Crc32.HashToUInt32(Crc32ParameterSet.Crc32C, batch[AttributesOffset..]);

    /// <summary>Several batches back to back, as one produce partition payload carries them.</summary>
    public static byte[] Concat(params byte[][] batches) => batches.SelectMany(b => b).ToArray();

    private byte[] EncodeRecords()
    {
        var output = new List<byte>();
        var body = new List<byte>();
        for (var i = 0; i < _records.Count; i++)
        {
            var (key, value, timestampDelta, headers) = _records[i];
            body.Clear();
            body.Add(0); // record attributes: unused
            WriteVarLong(body, timestampDelta);
            WriteVarLong(body, i);
            WriteBytes(body, key);
            WriteBytes(body, value);
            WriteVarLong(body, headers.Count);
            foreach (var (headerKey, headerValue) in headers)
            {
                WriteBytes(body, Encoding.UTF8.GetBytes(headerKey));
                WriteBytes(body, headerValue);
            }
            WriteVarLong(output, body.Count);
            output.AddRange(body);
        }
        return [.. output];
    }

    private static void WriteBytes(List<byte> output, byte[]? bytes)
    {
        if (bytes is null)
        {
            WriteVarLong(output, -1);
            return;
        }
        WriteVarLong(output, bytes.Length);
        output.AddRange(bytes);
    }

    /// <summary>Zig-zag varint, as every signed length and delta inside a v2 record is written.</summary>
    private static void WriteVarLong(List<byte> output, long value)
    {
        var zigZag = (ulong)((value << 1) ^ (value >> 63));
        while (zigZag >= 0x80)
        {
            output.Add((byte)(zigZag | 0x80));
            zigZag >>= 7;
        }
        output.Add((byte)zigZag);
    }
}
