using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Text;

namespace Fjord.Protocol;

/// <summary>
/// Big-endian Kafka primitive reader over one received frame. Bytes, compact bytes and records
/// come back as slices of the frame (no copy), so a ProduceRequest's record batches reach the log
/// as the very bytes the client sent. Every malformed input surfaces as
/// <see cref="MalformedMessageException"/>; lengths are checked against what is left before
/// anything is allocated, so a hostile count cannot make us allocate gigabytes.
/// </summary>
public ref struct KafkaReader
{
    private readonly ReadOnlyMemory<byte> _memory;
    private readonly ReadOnlySpan<byte> _span;
    private int _position;

    public KafkaReader(ReadOnlyMemory<byte> memory)
    {
        _memory = memory;
        _span = memory.Span;
        _position = 0;
    }

    public readonly int Position => _position;

    public readonly int Remaining => _span.Length - _position;

    public readonly ReadOnlyMemory<byte> Memory => _memory;

    public sbyte ReadInt8() => (sbyte)Take(1)[0];

    public bool ReadBoolean() => Take(1)[0] != 0;

    public short ReadInt16() => BinaryPrimitives.ReadInt16BigEndian(Take(2));

    public ushort ReadUInt16() => BinaryPrimitives.ReadUInt16BigEndian(Take(2));

    public int ReadInt32() => BinaryPrimitives.ReadInt32BigEndian(Take(4));

    public uint ReadUInt32() => BinaryPrimitives.ReadUInt32BigEndian(Take(4));

    public long ReadInt64() => BinaryPrimitives.ReadInt64BigEndian(Take(8));

    public double ReadFloat64() => BinaryPrimitives.ReadDoubleBigEndian(Take(8));

    /// <summary>Kafka's UUID: 16 bytes, most significant first.</summary>
    public Guid ReadUuid() => new(Take(16), bigEndian: true);

    /// <summary>Unsigned LEB128 of at most 5 bytes whose value fits 32 bits.</summary>
    public uint ReadUnsignedVarInt()
    {
        uint value = 0;
        for (var shift = 0; shift < 35; shift += 7)
        {
            var b = Take(1)[0];
            if (shift == 28 && b > 0x0F)
            {
                MalformedMessageException.Throw("Unsigned varint does not fit in 32 bits.");
            }

            value |= (uint)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return value;
            }
        }

        MalformedMessageException.Throw("Unsigned varint is longer than 5 bytes.");
        return 0;
    }

    /// <summary>Unsigned LEB128 of at most 10 bytes whose value fits 64 bits.</summary>
    public ulong ReadUnsignedVarLong()
    {
        ulong value = 0;
        for (var shift = 0; shift < 70; shift += 7)
        {
            var b = Take(1)[0];
            if (shift == 63 && b > 0x01)
            {
                MalformedMessageException.Throw("Unsigned varlong does not fit in 64 bits.");
            }

            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return value;
            }
        }

        MalformedMessageException.Throw("Unsigned varlong is longer than 10 bytes.");
        return 0;
    }

    /// <summary>Zig-zag encoded signed 32-bit varint (record fields).</summary>
    public int ReadVarInt()
    {
        var raw = ReadUnsignedVarInt();
        return (int)(raw >> 1) ^ -(int)(raw & 1);
    }

    /// <summary>Zig-zag encoded signed 64-bit varint (record fields).</summary>
    public long ReadVarLong()
    {
        var raw = ReadUnsignedVarLong();
        return (long)(raw >> 1) ^ -(long)(raw & 1);
    }

    public string ReadString()
    {
        int length = ReadInt16();
        if (length < 0)
        {
            MalformedMessageException.Throw("Non-nullable string has a negative length.");
        }

        return DecodeUtf8(length);
    }

    public string? ReadNullableString()
    {
        int length = ReadInt16();
        if (length == -1)
        {
            return null;
        }

        if (length < 0)
        {
            MalformedMessageException.Throw($"String length {length} is invalid.");
        }

        return DecodeUtf8(length);
    }

    public string ReadCompactString()
    {
        var length = ReadCompactLength();
        if (length < 0)
        {
            MalformedMessageException.Throw("Non-nullable compact string is null.");
        }

        return DecodeUtf8(length);
    }

    public string? ReadCompactNullableString()
    {
        var length = ReadCompactLength();
        return length < 0 ? null : DecodeUtf8(length);
    }

    public ReadOnlyMemory<byte> ReadBytes()
    {
        var length = ReadInt32();
        if (length < 0)
        {
            MalformedMessageException.Throw("Non-nullable bytes have a negative length.");
        }

        return Slice(length);
    }

    public ReadOnlyMemory<byte>? ReadNullableBytes()
    {
        var length = ReadInt32();
        if (length == -1)
        {
            return null;
        }

        if (length < 0)
        {
            MalformedMessageException.Throw($"Bytes length {length} is invalid.");
        }

        return Slice(length);
    }

    public ReadOnlyMemory<byte> ReadCompactBytes()
    {
        var length = ReadCompactLength();
        if (length < 0)
        {
            MalformedMessageException.Throw("Non-nullable compact bytes are null.");
        }

        return Slice(length);
    }

    public ReadOnlyMemory<byte>? ReadCompactNullableBytes()
    {
        var length = ReadCompactLength();

        // The cast matters: an untyped null would convert through byte[] into an empty slice.
        return length < 0 ? (ReadOnlyMemory<byte>?)null : Slice(length);
    }

    /// <summary>A record set (always nullable on the wire) as a slice of the frame.</summary>
    public ReadOnlyMemory<byte>? ReadRecords(bool compact) => compact ? ReadCompactNullableBytes() : ReadNullableBytes();

    /// <summary>Classic array length (int32): -1 is null; any other count must fit in what is left.</summary>
    public int ReadArrayLength()
    {
        var length = ReadInt32();
        if (length == -1)
        {
            return -1;
        }

        if (length < 0)
        {
            MalformedMessageException.Throw($"Array length {length} is invalid.");
        }

        return CheckCount(length);
    }

    /// <summary>Compact array length (unsigned varint N+1): -1 is null; the count must fit in what is left.</summary>
    public int ReadCompactArrayLength()
    {
        var length = ReadCompactLength();
        return length < 0 ? -1 : CheckCount(length);
    }

    /// <summary>Number of tagged fields that follow (flexible versions).</summary>
    public int ReadTaggedFieldCount() => CheckCount(ReadUnsignedVarIntAsLength());

    public int ReadTaggedFieldTag() => ReadUnsignedVarIntAsLength();

    /// <summary>Size of the tagged field's payload, which must fit in what is left.</summary>
    public int ReadTaggedFieldSize() => CheckCount(ReadUnsignedVarIntAsLength());

    /// <summary>A known tagged field must consume exactly the size it declared.</summary>
    public readonly void EndTaggedField(int start, int size)
    {
        if (_position - start != size)
        {
            MalformedMessageException.Throw($"Tagged field declared {size} bytes but its value used {_position - start}.");
        }
    }

    /// <summary>Reads the tagged-field section of a structure that knows no tags: every tag is skipped.</summary>
    public void SkipTaggedFields()
    {
        var count = ReadTaggedFieldCount();
        for (var i = 0; i < count; i++)
        {
            ReadTaggedFieldTag();
            Skip(ReadTaggedFieldSize());
        }
    }

    public void Skip(int count)
    {
        if (count < 0 || count > Remaining)
        {
            MalformedMessageException.Throw($"Cannot skip {count} bytes: {Remaining} remain.");
        }

        _position += count;
    }

    /// <summary>The next <paramref name="length"/> bytes as a slice of the frame.</summary>
    public ReadOnlyMemory<byte> ReadRawMemory(int length) => Slice(length);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ReadOnlySpan<byte> Take(int count)
    {
        if ((uint)count > (uint)(_span.Length - _position))
        {
            ThrowTruncated(count);
        }

        var slice = _span.Slice(_position, count);
        _position += count;
        return slice;
    }

    private ReadOnlyMemory<byte> Slice(int length)
    {
        if ((uint)length > (uint)(_span.Length - _position))
        {
            ThrowTruncated(length);
        }

        var slice = _memory.Slice(_position, length);
        _position += length;
        return slice;
    }

    private string DecodeUtf8(int length) => length == 0 ? string.Empty : Encoding.UTF8.GetString(Take(length));

    /// <summary>Compact lengths are N+1 so that 0 can mean null; returns -1 for null.</summary>
    private int ReadCompactLength()
    {
        var raw = ReadUnsignedVarInt();
        if (raw == 0)
        {
            return -1;
        }

        var length = raw - 1;
        if (length > int.MaxValue)
        {
            MalformedMessageException.Throw($"Compact length {length} is too large.");
        }

        return (int)length;
    }

    private int ReadUnsignedVarIntAsLength()
    {
        var raw = ReadUnsignedVarInt();
        if (raw > int.MaxValue)
        {
            MalformedMessageException.Throw($"Length {raw} is too large.");
        }

        return (int)raw;
    }

    private readonly int CheckCount(int count)
    {
        // Every element or field takes at least one byte on the wire, so a count larger than
        // what is left is a lie: refuse it before allocating a list of that size.
        if (count > Remaining)
        {
            MalformedMessageException.Throw($"Count {count} exceeds the {Remaining} bytes remaining.");
        }

        return count;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private readonly void ThrowTruncated(int wanted) =>
        MalformedMessageException.Throw($"Message truncated: needed {wanted} bytes at position {_position}, {Remaining} remain.");
}
