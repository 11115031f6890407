namespace Fjord.Log.Records;

/// <summary>
/// Zig-zag varints as records use them (protobuf encoding). Returns false instead of throwing so
/// validation can report a precise error without exceptions inside the loop.
/// </summary>
public static class Varint
{
    public static bool TryReadInt32(ReadOnlySpan<byte> source, ref int position, out int value)
    {
        uint raw = 0;
        for (var shift = 0; shift < 35; shift += 7)
        {
            if (position >= source.Length)
            {
                value = 0;
                return false;
            }

            var b = source[position++];
            raw |= (uint)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                value = (int)(raw >> 1) ^ -(int)(raw & 1);
                return true;
            }
        }

        value = 0;
        return false;
    }

    public static bool TryReadInt64(ReadOnlySpan<byte> source, ref int position, out long value)
    {
        ulong raw = 0;
        for (var shift = 0; shift < 70; shift += 7)
        {
            if (position >= source.Length)
            {
                value = 0;
                return false;
            }

            var b = source[position++];
            raw |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                value = (long)(raw >> 1) ^ -(long)(raw & 1);
                return true;
            }
        }

        value = 0;
        return false;
    }
}
