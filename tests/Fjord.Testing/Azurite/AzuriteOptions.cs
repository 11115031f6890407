namespace Fjord.Testing;

/// <summary>How an <see cref="AzuriteHost"/> keeps its data.</summary>
public sealed record AzuriteOptions
{
    /// <summary>
    /// Folder for Azurite's data. When set, data survives <see cref="AzuriteHost.RestartAsync"/>
    /// (the way to simulate a storage outage) and the folder belongs to the caller: it is not
    /// deleted on dispose. When null, Azurite keeps everything in memory and a restart starts empty.
    /// </summary>
    public string? Location { get; init; }

    /// <summary>How long to wait for Azurite to accept connections; generous for a loaded 2-core box.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(60);

    public bool InMemory => Location is null;

    /// <summary>
    /// PEM certificate and key paths: Azurite serves HTTPS with them (its clients must trust the certificate).
    /// Null for plain HTTP.
    /// </summary>
    public (string CertificatePath, string KeyPath)? Https { get; init; }

    /// <summary>
    /// Azurite's <c>--oauth basic</c> (needs <see cref="Https"/>): it accepts a bearer token whose issuer, audience
    /// and lifetime look like Microsoft Entra ID's, without checking the signature.
    /// </summary>
    public bool OAuth { get; init; }

    public static AzuriteOptions InMemoryStore() => new();

    public static AzuriteOptions AtLocation(string location) => new() { Location = location };
}
