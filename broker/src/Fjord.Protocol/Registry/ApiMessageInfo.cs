namespace Fjord.Protocol;

/// <summary>What the specs say about one API: its version range and where flexible versions start.</summary>
/// <param name="FirstFlexibleVersion">First version using compact encodings and tagged fields; -1 if none is flexible.</param>
/// <param name="LatestVersionUnstable">The highest version is still under development in Kafka and must not be advertised.</param>
public sealed record ApiMessageInfo(
    ApiKey ApiKey,
    string Name,
    short MinVersion,
    short MaxVersion,
    short FirstFlexibleVersion,
    bool LatestVersionUnstable)
{
    public bool IsSupported(short version) => version >= MinVersion && version <= MaxVersion;

    public bool IsFlexible(short version) => FirstFlexibleVersion >= 0 && version >= FirstFlexibleVersion;
}
