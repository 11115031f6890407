using System.Reflection;

namespace Fjord.Broker.Network;

/// <summary>
/// Sets a response's throttle_time_ms. Kafka puts the field in nearly every response; the setter is found once per
/// response type, so setting it costs a delegate call, not reflection.
/// </summary>
internal static class ThrottleTimeField<TResponse>
    where TResponse : class
{
    private static readonly Action<TResponse, int>? Setter =
        typeof(TResponse).GetProperty("ThrottleTimeMs", BindingFlags.Public | BindingFlags.Instance) is { PropertyType: var type, SetMethod: { } set } && type == typeof(int)
            ? set.CreateDelegate<Action<TResponse, int>>()
            : null;

    /// <summary>Whether the response has the field at all (in some version).</summary>
    public static bool Exists => Setter is not null;

    public static void Set(TResponse response, int throttleTimeMs) => Setter?.Invoke(response, throttleTimeMs);
}
