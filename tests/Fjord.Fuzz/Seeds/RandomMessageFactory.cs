using System.Collections;
using System.Reflection;
using Fjord.Protocol;

namespace Fjord.Fuzz.Seeds;

/// <summary>
/// Fills a generated message (and its nested structs) with random field values through
/// reflection, so seeds exercise every field the version has. Only used to build seeds, never
/// on the fuzz loop's hot path. Record fields get a real record batch.
/// </summary>
internal sealed class RandomMessageFactory(Random random, Func<Random, byte[]> recordBatch)
{
    private const int MaxDepth = 5;
    private readonly Random _random = random;
    private readonly Func<Random, byte[]> _recordBatch = recordBatch;
    private readonly NullabilityInfoContext _nullability = new();

    /// <summary>A random message encoded at <paramref name="version"/>; null when none could be written (a null where the version forbids it).</summary>
    public byte[]? Encode(Func<IKafkaMessage> create, short version)
    {
        for (var attempt = 0; attempt < 8; attempt++)
        {
            var message = create();
            Fill(message, 0, allowNulls: attempt < 4);
            using var buffer = new PooledBufferWriter();
            var writer = new KafkaWriter(buffer);
            try
            {
                message.Write(ref writer, version);
            }
            catch (InvalidOperationException)
            {
                continue; // a null in a version where the field is not nullable: try other values
            }

            return buffer.WrittenSpan.ToArray();
        }

        return null;
    }

    public void Fill(object target, int depth, bool allowNulls)
    {
        foreach (var property in target.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (!property.CanWrite || property.GetIndexParameters().Length != 0)
            {
                continue;
            }

            var nullable = allowNulls && _nullability.Create(property).WriteState == NullabilityState.Nullable;
            if (nullable && _random.Next(5) == 0)
            {
                property.SetValue(target, null);
                continue;
            }

            var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            property.SetValue(target, property.Name == "Records" && type == typeof(ReadOnlyMemory<byte>)
                ? new ReadOnlyMemory<byte>(_recordBatch(_random))
                : RandomValue(type, depth, allowNulls));
        }
    }

    private object? RandomValue(Type type, int depth, bool allowNulls)
    {
        if (type == typeof(bool)) return _random.Next(2) == 1;
        if (type == typeof(sbyte)) return (sbyte)Pick(_random.Next(256) - 128);
        if (type == typeof(short)) return (short)Pick(_random.Next(short.MinValue, short.MaxValue + 1));
        if (type == typeof(ushort)) return (ushort)Pick(_random.Next(ushort.MaxValue + 1));
        if (type == typeof(int)) return Pick(_random.Next());
        if (type == typeof(uint)) return (uint)Pick(_random.Next());
        if (type == typeof(long)) return _random.Next(4) == 0 ? -1L : _random.NextInt64();
        if (type == typeof(double)) return _random.NextDouble() * 1000;
        if (type == typeof(Guid)) return _random.Next(4) == 0 ? Guid.Empty : RandomGuid();
        if (type == typeof(string)) return RandomString();
        if (type == typeof(ReadOnlyMemory<byte>)) return new ReadOnlyMemory<byte>(RandomBytes(_random.Next(24)));
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(List<>))
        {
            var list = (IList)Activator.CreateInstance(type)!;
            var element = type.GetGenericArguments()[0];
            var count = depth >= MaxDepth ? 0 : _random.Next(4);
            for (var i = 0; i < count; i++)
            {
                list.Add(RandomValue(element, depth + 1, allowNulls));
            }

            return list;
        }

        if (type.IsClass && type.GetConstructor(Type.EmptyTypes) is { } constructor)
        {
            var value = constructor.Invoke(null);
            if (depth < MaxDepth)
            {
                Fill(value, depth + 1, allowNulls);
            }

            return value;
        }

        if (type.IsEnum)
        {
            var values = Enum.GetValues(type);
            return values.GetValue(_random.Next(values.Length));
        }

        throw new NotSupportedException($"no random value for {type}");
    }

    /// <summary>Mostly small values (ids, counts, indexes), sometimes the random one or a boundary.</summary>
    private int Pick(int any) => _random.Next(8) switch
    {
        0 => any,
        1 => -1,
        2 => 0,
        _ => _random.Next(100),
    };

    private Guid RandomGuid()
    {
        var bytes = RandomBytes(16);
        return new Guid(bytes);
    }

    private string RandomString()
    {
        const string alphabet = "abcdefghijklmnopqrstuvwxyz-_.0123456789ÄÖü€";
        var length = _random.Next(12);
        var chars = new char[length];
        for (var i = 0; i < length; i++)
        {
            chars[i] = alphabet[_random.Next(alphabet.Length)];
        }

        return new string(chars);
    }

    private byte[] RandomBytes(int length)
    {
        var bytes = new byte[length];
        _random.NextBytes(bytes);
        return bytes;
    }
}
