namespace Fjord.Broker.Storage;

/// <summary>
/// Where one Azure Storage client connects and how it proves who it is: an endpoint reached with a token from
/// Microsoft Entra ID (managed identity in Azure), or a connection string with the account key (Azurite locally).
/// </summary>
public sealed record StorageLocation
{
    private StorageLocation(Uri? endpoint, string? connectionString)
    {
        Endpoint = endpoint;
        ConnectionString = connectionString;
    }

    /// <summary>The service URL, when the client authenticates with a token credential.</summary>
    public Uri? Endpoint { get; }

    /// <summary>The connection string, when the client authenticates with the account key in it.</summary>
    public string? ConnectionString { get; }

    public bool UsesIdentity => Endpoint is not null;

    public static StorageLocation AtEndpoint(Uri endpoint) => new(endpoint ?? throw new ArgumentNullException(nameof(endpoint)), null);

    public static StorageLocation WithConnectionString(string connectionString) =>
        new(null, string.IsNullOrWhiteSpace(connectionString) ? throw new ArgumentException("empty connection string", nameof(connectionString)) : connectionString);

    /// <summary>For log lines: the endpoint, never the connection string (it holds the account key).</summary>
    public override string ToString() => Endpoint is { } endpoint ? $"{endpoint} (token credential)" : "(connection string)";
}
