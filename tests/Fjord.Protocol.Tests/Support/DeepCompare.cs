using System.Collections;

namespace Fjord.Protocol.Tests.Support;

/// <summary>Structural equality over generated message objects (lists, nested classes, byte slices).</summary>
internal static class DeepCompare
{
    public static bool Same(object? a, object? b)
    {
        if (a is null || b is null)
        {
            return a is null && b is null;
        }

        if (a is ReadOnlyMemory<byte> ma && b is ReadOnlyMemory<byte> mb)
        {
            return ma.Span.SequenceEqual(mb.Span);
        }

        if (a is string || a.GetType().IsValueType)
        {
            return a.Equals(b);
        }

        if (a is IList la && b is IList lb)
        {
            if (la.Count != lb.Count)
            {
                return false;
            }

            for (var i = 0; i < la.Count; i++)
            {
                if (!Same(la[i], lb[i]))
                {
                    return false;
                }
            }

            return true;
        }

        if (a.GetType() != b.GetType())
        {
            return false;
        }

        return SampleFiller.Properties(a.GetType()).All(p => Same(p.GetValue(a), p.GetValue(b)));
    }

    /// <summary>
    /// After a round trip each property holds either what was sent or (for fields absent in that
    /// version) its default. Anything else means a field was read into the wrong place.
    /// Returns the number of properties that travelled with a non-default value.
    /// </summary>
    public static int AssertSentOrDefault(object sent, object received, string path)
    {
        var fresh = Activator.CreateInstance(sent.GetType())!;
        var travelled = 0;
        foreach (var property in SampleFiller.Properties(sent.GetType()))
        {
            var s = property.GetValue(sent);
            var r = property.GetValue(received);
            var d = property.GetValue(fresh);
            var where = $"{path}.{property.Name}";
            if (Same(s, r))
            {
                travelled += Same(s, d) ? 0 : 1;
                continue;
            }

            if (s is IList ls && r is IList lr && ls.Count == lr.Count && ls.Count > 0 && ls[0] is { } first && first.GetType().IsClass && first is not string)
            {
                // A list of structs where some nested field is absent in this version: recurse.
                for (var i = 0; i < ls.Count; i++)
                {
                    travelled += AssertSentOrDefault(ls[i]!, lr[i]!, $"{where}[{i}]");
                }

                continue;
            }

            if (s is not null && r is not null && s.GetType().IsClass && s is not string && s is not IList && s.GetType() == r.GetType())
            {
                travelled += AssertSentOrDefault(s, r, where);
                continue;
            }

            Assert.True(Same(d, r), $"{where}: neither the sent value nor the default came back.");
        }

        return travelled;
    }
}
