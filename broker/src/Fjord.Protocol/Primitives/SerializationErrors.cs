namespace Fjord.Protocol;

/// <summary>Errors raised while writing: these are our own bugs (a null where the version forbids it), not bad input.</summary>
internal static class SerializationErrors
{
    public static InvalidOperationException NullField(string field, short version) =>
        new($"{field} is null, but it is not nullable in version {version}.");
}
