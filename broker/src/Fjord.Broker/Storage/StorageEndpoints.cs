using Fjord.Broker.Configuration;

namespace Fjord.Broker.Storage;

/// <summary>
/// Which storage each of the broker's three Azure clients uses: the metadata tables, the tier's manifest table and
/// the tier's blobs. An endpoint setting means a token credential (managed identity in Azure, shared keys off);
/// otherwise the connection string, Azurite's by default. One code path, two configurations.
/// </summary>
public sealed class StorageEndpoints
{
    public const string MetadataTableEndpointConfig = "fjord.metadata.table.endpoint";
    public const string MetadataConnectionStringConfig = "fjord.metadata.connection.string";
    public const string TieringTableEndpointConfig = "fjord.tiering.table.endpoint";
    public const string TieringBlobEndpointConfig = "fjord.tiering.blob.endpoint";
    public const string TieringConnectionStringConfig = "fjord.tiering.connection.string";
    public const string DevelopmentStorage = "UseDevelopmentStorage=true";

    private StorageEndpoints(StorageLocation metadataTables, StorageLocation tieringTables, StorageLocation tieringBlobs)
    {
        MetadataTables = metadataTables;
        TieringTables = tieringTables;
        TieringBlobs = tieringBlobs;
    }

    public StorageLocation MetadataTables { get; }

    public StorageLocation TieringTables { get; }

    public StorageLocation TieringBlobs { get; }

    /// <summary>True when any client needs a token credential.</summary>
    public bool UsesIdentity => MetadataTables.UsesIdentity || TieringTables.UsesIdentity || TieringBlobs.UsesIdentity;

    /// <summary>
    /// Resolves the three locations. The tier shares the metadata account unless told otherwise, as it did with
    /// connection strings; a Blob endpoint cannot be guessed from a Table endpoint, so it must be given.
    /// </summary>
    /// <exception cref="ConfigException">An endpoint and a connection string for the same client, or a malformed endpoint.</exception>
    public static StorageEndpoints From(BrokerConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var metadataEndpoint = Endpoint(config, MetadataTableEndpointConfig);
        var metadataConnection = NonEmpty(config, MetadataConnectionStringConfig);
        if (metadataEndpoint is not null && metadataConnection is not null)
            throw Both(MetadataTableEndpointConfig, MetadataConnectionStringConfig);
        var metadata = metadataEndpoint is not null
            ? StorageLocation.AtEndpoint(metadataEndpoint)
            : StorageLocation.WithConnectionString(metadataConnection ?? DevelopmentStorage);

        var tieringTableEndpoint = Endpoint(config, TieringTableEndpointConfig);
        var tieringBlobEndpoint = Endpoint(config, TieringBlobEndpointConfig);
        var tieringConnection = NonEmpty(config, TieringConnectionStringConfig);
        if (tieringConnection is not null && (tieringTableEndpoint ?? tieringBlobEndpoint) is not null)
            throw Both(tieringTableEndpoint is not null ? TieringTableEndpointConfig : TieringBlobEndpointConfig, TieringConnectionStringConfig);

        var tieringTables = tieringTableEndpoint is not null ? StorageLocation.AtEndpoint(tieringTableEndpoint)
            : tieringConnection is not null ? StorageLocation.WithConnectionString(tieringConnection)
            : metadata;
        var tieringBlobs = tieringBlobEndpoint is not null ? StorageLocation.AtEndpoint(tieringBlobEndpoint)
            : tieringConnection is not null ? StorageLocation.WithConnectionString(tieringConnection)
            : metadata.ConnectionString is { } shared ? StorageLocation.WithConnectionString(shared)
            : throw new ConfigException($"{MetadataTableEndpointConfig} is set, so the tier needs {TieringBlobEndpointConfig} " +
                $"(https://<account>.blob.core.windows.net/) or {TieringConnectionStringConfig}");
        return new StorageEndpoints(metadata, tieringTables, tieringBlobs);
    }

    private static string? NonEmpty(BrokerConfig config, string name) =>
        config.Get(name) is { } value && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

    private static Uri? Endpoint(BrokerConfig config, string name)
    {
        if (NonEmpty(config, name) is not { } raw) return null;
        // Bearer tokens travel only over TLS: the Azure SDK refuses to send one to an http:// endpoint.
        if (!Uri.TryCreate(raw, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps || uri.Host.Length == 0
            || uri.Query.Length > 0 || uri.Fragment.Length > 0 || uri.UserInfo.Length > 0)
            throw new ConfigException($"{name} must be an https:// service URL such as https://<account>.table.core.windows.net/ " +
                $"(no query, no credentials), not '{raw}'");
        return uri;
    }

    private static ConfigException Both(string endpoint, string connectionString) =>
        new($"{endpoint} and {connectionString} are both set: give the endpoint (managed identity) or the connection string (account key), not both");
}
