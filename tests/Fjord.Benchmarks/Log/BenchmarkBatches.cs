using System.Buffers.Binary;
using System.IO.Hashing;

namespace Fjord.Benchmarks.Log;

/// <summary>Encodes uncompressed magic-v2 batches for the benchmarks (same layout as the test builder).</summary>
internal static class BenchmarkBatches
{
    /// <summary>One batch of <paramref name="recordCount"/> records of <paramref name="valueSize"/> random bytes each, all stamped <paramref name="timestamp"/>.</summary>
    public static byte[] Build(int recordCount, int valueSize, long timestamp)
    {
        var value = new byte[valueSize];
        Random.Shared.NextBytes(value);
        return Build(recordCount, _ => value, timestamp, timestampStep: 0);
    }

    /// <summary>One batch whose record i holds <paramref name="valueOf"/>(i), stamped <paramref name="timestamp"/> + i * <paramref name="timestampStep"/>.</summary>
    public static byte[] Build(int recordCount, Func<int, byte[]> valueOf, long timestamp, int timestampStep)
    {
        var records = new MemoryStream();
        for (var i = 0; i < recordCount; i++)
        {
            var value = valueOf(i);
            var body = new MemoryStream();
            body.WriteByte(0);
            WriteVarlong(body, (long)i * timestampStep);
            WriteVarlong(body, i);
            WriteVarlong(body, -1); // null key
            WriteVarlong(body, value.Length);
            body.Write(value);
            WriteVarlong(body, 0);
            WriteVarlong(records, body.Length);
            body.WriteTo(records);
        }

        var recordBytes = records.ToArray();
        var batch = new byte[61 + recordBytes.Length];
        var span = batch.AsSpan();
        BinaryPrimitives.WriteInt32BigEndian(span[8..], batch.Length - 12);
        BinaryPrimitives.WriteInt32BigEndian(span[12..], -1);
        span[16] = 2;
        BinaryPrimitives.WriteInt32BigEndian(span[23..], recordCount - 1);
        BinaryPrimitives.WriteInt64BigEndian(span[27..], timestamp);
        BinaryPrimitives.WriteInt64BigEndian(span[35..], timestamp + (long)(recordCount - 1) * timestampStep);
        BinaryPrimitives.WriteInt64BigEndian(span[43..], -1);
        BinaryPrimitives.WriteInt16BigEndian(span[51..], -1);
        BinaryPrimitives.WriteInt32BigEndian(span[53..], -1);
        BinaryPrimitives.WriteInt32BigEndian(span[57..], recordCount);
        recordBytes.CopyTo(span[61..]);
        BinaryPrimitives.WriteUInt32BigEndian(span[17..], Crc32.HashToUInt32(Crc32ParameterSet.Crc32C, span[21..]));
        return batch;
    }

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
