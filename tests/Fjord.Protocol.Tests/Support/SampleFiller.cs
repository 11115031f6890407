using System.Collections;
using System.Reflection;

namespace Fjord.Protocol.Tests.Support;

/// <summary>
/// Fills every public settable property of a generated message (recursively) with a value that
/// differs from the property's default, so a round trip shows which fields really travel.
/// Values are deterministic (a running counter) and distinct, so a value read into the wrong
/// property is noticed.
/// </summary>
internal sealed class SampleFiller
{
    private int _counter = 1;

    public void Fill(object target)
    {
        var fresh = Activator.CreateInstance(target.GetType())!;
        foreach (var property in Properties(target.GetType()))
        {
            property.SetValue(target, Sample(property.PropertyType, property.GetValue(fresh)));
        }
    }

    public static IEnumerable<PropertyInfo> Properties(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite && p.CanRead);

    private object? Sample(Type type, object? defaultValue)
    {
        var n = _counter++;
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        if (underlying == typeof(bool))
        {
            return !(bool)(defaultValue ?? false);
        }

        if (underlying == typeof(sbyte))
        {
            return (sbyte)((n % 100) + 1);
        }

        if (underlying == typeof(short))
        {
            return (short)(n + 100);
        }

        if (underlying == typeof(ushort))
        {
            return (ushort)(n + 200);
        }

        if (underlying == typeof(int))
        {
            return n + 10_000;
        }

        if (underlying == typeof(uint))
        {
            return (uint)(n + 20_000);
        }

        if (underlying == typeof(long))
        {
            return n + 5_000_000_000L;
        }

        if (underlying == typeof(double))
        {
            return n + 0.5;
        }

        if (underlying == typeof(string))
        {
            return $"s{n}-é";
        }

        if (underlying == typeof(Guid))
        {
            var bytes = new byte[16];
            bytes[0] = 0xAB;
            bytes[15] = (byte)n;
            return new Guid(bytes, bigEndian: true);
        }

        if (underlying == typeof(ReadOnlyMemory<byte>))
        {
            return new ReadOnlyMemory<byte>([1, 2, 3, (byte)n, 0xFF]);
        }

        if (underlying.IsGenericType && underlying.GetGenericTypeDefinition() == typeof(List<>))
        {
            var elementType = underlying.GetGenericArguments()[0];
            var list = (IList)Activator.CreateInstance(underlying)!;
            for (var i = 0; i < 2; i++)
            {
                list.Add(elementType.IsClass && elementType != typeof(string) ? NewFilled(elementType) : Sample(elementType, null));
            }

            return list;
        }

        if (underlying.IsClass)
        {
            return NewFilled(underlying);
        }

        throw new NotSupportedException($"No sample for {type}.");
    }

    private object NewFilled(Type type)
    {
        var instance = Activator.CreateInstance(type)!;
        Fill(instance);
        return instance;
    }
}
