using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace Fjord.Protocol;

/// <summary>
/// Big-endian Kafka primitive writer over an <see cref="IBufferWriter{T}"/>. Strings are UTF-8
/// encoded straight into the output span; bytes and records are copied once, from their source
/// slice into the output.
/// </summary>
public ref struct KafkaWriter
{
    private readonly IBufferWriter<byte> _output;
    private int _bytesWritten;

    public KafkaWriter(IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        _output = output;
        _bytesWritten = 0;
    }

    /// <summary>Bytes written through this writer (not the size of the underlying buffer).</summary>
    public readonly int BytesWritten => _bytesWritten;

    public void WriteInt8(sbyte value)
    {
        _output.GetSpan(1)[0] = (byte)value;
        Advance(1);
    }

    public void WriteBoolean(bool value)
    {
        _output.GetSpan(1)[0] = value ? (byte)1 : (byte)0;
        Advance(1);
    }

    public void WriteInt16(short value)
    {
        BinaryPrimitives.WriteInt16BigEndian(_output.GetSpan(2), value);
        Advance(2);
    }

    public void WriteUInt16(ushort value)
    {
        BinaryPrimitives.WriteUInt16BigEndian(_output.GetSpan(2), value);
        Advance(2);
    }

    public void WriteInt32(int value)
    {
        BinaryPrimitives.WriteInt32BigEndian(_output.GetSpan(4), value);
        Advance(4);
    }

    public void WriteUInt32(uint value)
    {
        BinaryPrimitives.WriteUInt32BigEndian(_output.GetSpan(4), value);
        Advance(4);
    }

    public void WriteInt64(long value)
    {
        BinaryPrimitives.WriteInt64BigEndian(_output.GetSpan(8), value);
        Advance(8);
    }

    public void WriteFloat64(double value)
    {
        BinaryPrimitives.WriteDoubleBigEndian(_output.GetSpan(8), value);
        Advance(8);
    }

    public void WriteUuid(Guid value)
    {
        value.TryWriteBytes(_output.GetSpan(16), bigEndian: true, out _);
        Advance(16);
    }

    public void WriteUnsignedVarInt(uint value)
    {
        var span = _output.GetSpan(5);
        var i = 0;
        while (value >= 0x80)
        {
            span[i++] = (byte)(value | 0x80);
            value >>= 7;
        }

        span[i++] = (byte)value;
        Advance(i);
    }

    public void WriteUnsignedVarLong(ulong value)
    {
        var span = _output.GetSpan(10);
        var i = 0;
        while (value >= 0x80)
        {
            span[i++] = (byte)(value | 0x80);
            value >>= 7;
        }

        span[i++] = (byte)value;
        Advance(i);
    }

    public void WriteVarInt(int value) => WriteUnsignedVarInt((uint)((value << 1) ^ (value >> 31)));

    public void WriteVarLong(long value) => WriteUnsignedVarLong((ulong)((value << 1) ^ (value >> 63)));

    public void WriteString(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var length = Encoding.UTF8.GetByteCount(value);
        if (length > short.MaxValue)
        {
            throw new ArgumentException($"String of {length} UTF-8 bytes exceeds the int16 length limit.", nameof(value));
        }

        WriteInt16((short)length);
        WriteUtf8(value, length);
    }

    public void WriteNullableString(string? value)
    {
        if (value is null)
        {
            WriteInt16(-1);
            return;
        }

        WriteString(value);
    }

    public void WriteCompactString(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var length = Encoding.UTF8.GetByteCount(value);
        WriteUnsignedVarInt((uint)length + 1);
        WriteUtf8(value, length);
    }

    public void WriteCompactNullableString(string? value)
    {
        if (value is null)
        {
            WriteUnsignedVarInt(0);
            return;
        }

        WriteCompactString(value);
    }

    public void WriteBytes(ReadOnlySpan<byte> value)
    {
        WriteInt32(value.Length);
        WriteRaw(value);
    }

    public void WriteNullableBytes(ReadOnlyMemory<byte>? value)
    {
        if (value is null)
        {
            WriteInt32(-1);
            return;
        }

        WriteBytes(value.Value.Span);
    }

    public void WriteCompactBytes(ReadOnlySpan<byte> value)
    {
        WriteUnsignedVarInt((uint)value.Length + 1);
        WriteRaw(value);
    }

    public void WriteCompactNullableBytes(ReadOnlyMemory<byte>? value)
    {
        if (value is null)
        {
            WriteUnsignedVarInt(0);
            return;
        }

        WriteCompactBytes(value.Value.Span);
    }

    /// <summary>A record set: length prefix, then the slice written once, as is.</summary>
    public void WriteRecords(ReadOnlyMemory<byte>? records, bool compact)
    {
        if (records is { } value && _output is IRecordsSplicer splicer &&
            MemoryMarshal.TryGetMemoryManager<byte, FileRecords>(value, out var file, out var start, out var length) &&
            start == 0 && length == file.Length)
        {
            // The bytes stay in their file: the length prefix goes here, the region is spliced in when sent.
            if (compact)
            {
                WriteUnsignedVarInt((uint)length + 1);
            }
            else
            {
                WriteInt32(length);
            }

            splicer.Splice(file);
            _bytesWritten += length;
            return;
        }

        if (compact)
        {
            WriteCompactNullableBytes(records);
        }
        else
        {
            WriteNullableBytes(records);
        }
    }

    /// <summary>Classic array length; -1 means null.</summary>
    public void WriteArrayLength(int count) => WriteInt32(count);

    /// <summary>Compact array length (N+1); -1 means null.</summary>
    public void WriteCompactArrayLength(int count) => WriteUnsignedVarInt((uint)(count + 1));

    /// <summary>The tagged-field section of a flexible structure with nothing tagged to say.</summary>
    public void WriteEmptyTaggedFields() => WriteUnsignedVarInt(0);

    /// <summary>One tagged field whose value was pre-encoded (the size must precede the value).</summary>
    public void WriteTaggedField(int tag, ReadOnlySpan<byte> value)
    {
        WriteUnsignedVarInt((uint)tag);
        WriteUnsignedVarInt((uint)value.Length);
        WriteRaw(value);
    }

    public void WriteRaw(ReadOnlySpan<byte> value)
    {
        if (value.IsEmpty)
        {
            return;
        }

        // Large record sets may exceed what one GetSpan hands out; copy in chunks.
        while (!value.IsEmpty)
        {
            var span = _output.GetSpan(Math.Min(value.Length, 1 << 20));
            var n = Math.Min(span.Length, value.Length);
            value[..n].CopyTo(span);
            Advance(n);
            value = value[n..];
        }
    }

    private void WriteUtf8(string value, int length)
    {
        if (length == 0)
        {
            return;
        }

        var span = _output.GetSpan(length);
        var written = Encoding.UTF8.GetBytes(value, span);
        Advance(written);
    }

    private void Advance(int count)
    {
        _output.Advance(count);
        _bytesWritten += count;
    }
}
