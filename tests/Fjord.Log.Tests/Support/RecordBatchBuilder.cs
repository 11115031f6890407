using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;
using Fjord.Log.Records;

namespace Fjord.Log.Tests.Support;

/// <summary>Test-only encoder of magic-v2 record batches (any codec), written from the spec in implementation.html.</summary>
internal static class RecordBatchBuilder
{
    public static byte[] Build(
        int recordCount,
        long baseTimestamp,
        int valueSize = 16,
        CompressionType compression = CompressionType.None,
        Func<int, long>? timestampDelta = null,
        long baseOffset = 0)
    {
        timestampDelta ??= i => i;
        var records = new MemoryStream();
        var maxTimestamp = long.MinValue;
        for (var i = 0; i < recordCount; i++)
        {
            var delta = timestampDelta(i);
            maxTimestamp = Math.Max(maxTimestamp, baseTimestamp + delta);
            var body = new MemoryStream();
            body.WriteByte(0); // attributes
            WriteVarlong(body, delta);
            WriteVarlong(body, i); // offset delta
            var key = System.Text.Encoding.UTF8.GetBytes($"key-{i}");
            WriteVarlong(body, key.Length);
            body.Write(key);
            WriteVarlong(body, valueSize);
            body.Write(Enumerable.Range(0, valueSize).Select(b => (byte)(b + i)).ToArray());
            WriteVarlong(body, 1); // one header
            WriteVarlong(body, 1);
            body.WriteByte((byte)'h');
            WriteVarlong(body, -1); // null header value
            WriteVarlong(records, body.Length);
            body.WriteTo(records);
        }

        var recordBytes = records.ToArray();
        if (compression == CompressionType.Gzip)
        {
            var compressed = new MemoryStream();
            using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
            {
                gzip.Write(recordBytes);
            }

            recordBytes = compressed.ToArray();
        }
        else if (compression != CompressionType.None)
        {
            recordBytes = TestCodecs.Compress(compression, recordBytes);
        }

        var batch = new byte[RecordBatch.HeaderSize + recordBytes.Length];
        var span = batch.AsSpan();
        BinaryPrimitives.WriteInt64BigEndian(span, baseOffset);
        BinaryPrimitives.WriteInt32BigEndian(span[8..], batch.Length - 12);
        BinaryPrimitives.WriteInt32BigEndian(span[12..], -1); // partition leader epoch
        span[16] = 2;
        BinaryPrimitives.WriteInt16BigEndian(span[21..], (short)compression);
        BinaryPrimitives.WriteInt32BigEndian(span[23..], recordCount - 1);
        BinaryPrimitives.WriteInt64BigEndian(span[27..], baseTimestamp);
        BinaryPrimitives.WriteInt64BigEndian(span[35..], maxTimestamp);
        BinaryPrimitives.WriteInt64BigEndian(span[43..], -1); // producer id
        BinaryPrimitives.WriteInt16BigEndian(span[51..], -1);
        BinaryPrimitives.WriteInt32BigEndian(span[53..], -1);
        BinaryPrimitives.WriteInt32BigEndian(span[57..], recordCount);
        recordBytes.CopyTo(span[61..]);
        FixCrc(batch);
        return batch;
    }

    /// <summary>Recomputes the CRC-32C over attributes..end after a test tampers with covered fields.</summary>
    public static void FixCrc(Span<byte> batch) =>
        BinaryPrimitives.WriteUInt32BigEndian(batch[17..], Crc32.HashToUInt32(Crc32ParameterSet.Crc32C, batch[21..]));

    public static byte[] Concat(params byte[][] batches) => [.. batches.SelectMany(b => b)];

    private static void WriteVarlong(Stream stream, long value)
    {
        var zigzag = (ulong)((value << 1) ^ (value >> 63));
        while (zigzag >= 0x80)
        {
            stream.WriteByte((byte)(zigzag | 0x80));
            zigzag >>= 7;
        }

        stream.WriteByte((byte)zigzag);
    }
}
