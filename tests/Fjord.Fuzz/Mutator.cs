using System.Buffers.Binary;

namespace Fjord.Fuzz;

/// <summary>
/// Coverage-blind byte mutations aimed at binary protocols: the lengths, counts and varints of
/// Kafka's wire format are where parsers go wrong, so besides bit flips it writes interesting
/// integers (0, -1, the signed boundaries, huge lengths) over 1, 2, 4 bytes and varints,
/// nudges existing values by a little, and cuts, duplicates and splices chunks.
/// </summary>
internal sealed class Mutator(Random random, int maxLength)
{
    private static readonly byte[] InterestingBytes = [0x00, 0x01, 0x7F, 0x80, 0xFF, 0xFE, 0x40, 0x10];
    private static readonly short[] InterestingShorts = [0, -1, -2, 1, short.MaxValue, short.MinValue, 0x7F, 0x80, 0xFF, 0x100, 0x3FFF];
    private static readonly int[] InterestingInts =
        [0, -1, -2, 1, int.MaxValue, int.MinValue, 0x7FFF, 0x8000, 0xFFFF, 0x10000, 0x00FFFFFF, 0x7FFFFFFE, 0x40000000, 61, 49];
    private static readonly uint[] InterestingVarints = [0, 1, 2, 0x7F, 0x80, 0x3FFF, 0x4000, 0xFFFFFFFF, 0x7FFFFFFF, 0x80000000, 0x0FFFFFFF];

    private readonly Random _random = random;
    private readonly int _maxLength = maxLength;

    /// <summary>A mutated copy of <paramref name="input"/>: one to four stacked mutations.</summary>
    public byte[] Mutate(byte[] input, IReadOnlyList<byte[]> corpus)
    {
        var data = new List<byte>(input);
        var rounds = 1 + _random.Next(4);
        for (var i = 0; i < rounds; i++)
        {
            MutateOnce(data, corpus);
        }

        if (data.Count > _maxLength)
        {
            data.RemoveRange(_maxLength, data.Count - _maxLength);
        }

        return [.. data];
    }

    private void MutateOnce(List<byte> data, IReadOnlyList<byte[]> corpus)
    {
        if (data.Count == 0)
        {
            data.Add((byte)_random.Next(256));
            return;
        }

        var at = _random.Next(data.Count);
        switch (_random.Next(13))
        {
            case 0:
                data[at] ^= (byte)(1 << _random.Next(8));
                break;
            case 1:
                data[at] = InterestingBytes[_random.Next(InterestingBytes.Length)];
                break;
            case 2:
                data[at] = (byte)_random.Next(256);
                break;
            case 3:
                WriteOver(data, at, BigEndian16(InterestingShorts[_random.Next(InterestingShorts.Length)]));
                break;
            case 4:
                WriteOver(data, at, BigEndian32(InterestingInts[_random.Next(InterestingInts.Length)]));
                break;
            case 5:
                WriteOver(data, at, UnsignedVarint(InterestingVarints[_random.Next(InterestingVarints.Length)]));
                break;
            case 6:
                NudgeInt(data, at);
                break;
            case 7:
                // Truncation: every parser must notice a frame that ends early.
                data.RemoveRange(at, data.Count - at);
                break;
            case 8:
                data.RemoveRange(at, Math.Min(data.Count - at, 1 + _random.Next(16)));
                break;
            case 9:
                {
                    var count = 1 + _random.Next(16);
                    var chunk = new byte[count];
                    _random.NextBytes(chunk);
                    data.InsertRange(at, chunk);
                    break;
                }

            case 10:
                {
                    // Duplicate a chunk in place: repeated array elements, repeated tagged fields.
                    var length = Math.Min(data.Count - at, 1 + _random.Next(32));
                    data.InsertRange(at, data.GetRange(at, length));
                    break;
                }

            case 11:
                {
                    // Splice: our head, another input's tail.
                    var other = corpus[_random.Next(corpus.Count)];
                    if (other.Length > 0)
                    {
                        var from = _random.Next(other.Length);
                        data.RemoveRange(at, data.Count - at);
                        data.AddRange(other.AsSpan(from).ToArray());
                    }

                    break;
                }

            default:
                {
                    // Copy a chunk from elsewhere in the input over this position.
                    var from = _random.Next(data.Count);
                    var length = Math.Min(Math.Min(data.Count - from, data.Count - at), 1 + _random.Next(16));
                    var chunk = data.GetRange(from, length);
                    for (var i = 0; i < length; i++)
                    {
                        data[at + i] = chunk[i];
                    }

                    break;
                }
        }
    }

    private void NudgeInt(List<byte> data, int at)
    {
        var delta = _random.Next(1, 17) * (_random.Next(2) == 0 ? 1 : -1);
        if (at + 4 <= data.Count && _random.Next(2) == 0)
        {
            Span<byte> bytes = [data[at], data[at + 1], data[at + 2], data[at + 3]];
            WriteOver(data, at, BigEndian32(BinaryPrimitives.ReadInt32BigEndian(bytes) + delta));
        }
        else if (at + 2 <= data.Count && _random.Next(2) == 0)
        {
            Span<byte> bytes = [data[at], data[at + 1]];
            WriteOver(data, at, BigEndian16((short)(BinaryPrimitives.ReadInt16BigEndian(bytes) + delta)));
        }
        else
        {
            data[at] = (byte)(data[at] + delta);
        }
    }

    private static void WriteOver(List<byte> data, int at, byte[] bytes)
    {
        for (var i = 0; i < bytes.Length; i++)
        {
            if (at + i < data.Count)
            {
                data[at + i] = bytes[i];
            }
            else
            {
                data.Add(bytes[i]);
            }
        }
    }

    private static byte[] BigEndian16(short value)
    {
        var bytes = new byte[2];
        BinaryPrimitives.WriteInt16BigEndian(bytes, value);
        return bytes;
    }

    private static byte[] BigEndian32(int value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(bytes, value);
        return bytes;
    }

    private static byte[] UnsignedVarint(uint value)
    {
        var bytes = new List<byte>(5);
        while (value >= 0x80)
        {
            bytes.Add((byte)(value | 0x80));
            value >>= 7;
        }

        bytes.Add((byte)value);
        return [.. bytes];
    }
}
