using System.Diagnostics.CodeAnalysis;

namespace Fjord.Protocol;

/// <summary>
/// Registry of every Kafka API: version ranges, factories for request/response bodies, and the
/// header version each API version uses. The tables are generated (ApiMessages.g.cs).
/// </summary>
public static partial class ApiMessages
{
    private static readonly ApiMessageInfo?[] ByKey = BuildIndex();

    public static bool TryGetInfo(ApiKey apiKey, [NotNullWhen(true)] out ApiMessageInfo? info)
    {
        var index = (int)apiKey;
        info = index >= 0 && index < ByKey.Length ? ByKey[index] : null;
        return info is not null;
    }

    public static ApiMessageInfo GetInfo(ApiKey apiKey) =>
        TryGetInfo(apiKey, out var info) ? info : throw new ArgumentOutOfRangeException(nameof(apiKey), apiKey, "Unknown API key.");

    /// <summary>True when the key is known and the version is within the spec's validVersions.</summary>
    public static bool IsSupported(ApiKey apiKey, short apiVersion) =>
        TryGetInfo(apiKey, out var info) && info.IsSupported(apiVersion);

    /// <summary>
    /// Request header v2 (tagged fields) for flexible API versions, v1 otherwise. ControlledShutdown
    /// v0 predates the client id and uses header v0.
    /// </summary>
    public static short RequestHeaderVersion(ApiKey apiKey, short apiVersion)
    {
        if (apiKey == ApiKey.ControlledShutdown && apiVersion == 0)
        {
            return 0;
        }

        return GetInfo(apiKey).IsFlexible(apiVersion) ? (short)2 : (short)1;
    }

    /// <summary>
    /// Response header v1 (tagged fields) for flexible API versions, v0 otherwise. ApiVersions is
    /// always answered with header v0: a client that does not yet know our versions must be able
    /// to parse the answer (KIP-511).
    /// </summary>
    public static short ResponseHeaderVersion(ApiKey apiKey, short apiVersion)
    {
        if (apiKey == ApiKey.ApiVersions)
        {
            return 0;
        }

        return GetInfo(apiKey).IsFlexible(apiVersion) ? (short)1 : (short)0;
    }

    private static ApiMessageInfo?[] BuildIndex()
    {
        var table = new ApiMessageInfo?[ApiKeySlots];
        foreach (var info in All)
        {
            table[(int)info.ApiKey] = info;
        }

        return table;
    }
}
