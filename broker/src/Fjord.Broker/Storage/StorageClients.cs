using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;

namespace Fjord.Broker.Storage;

/// <summary>
/// Builds every Azure Storage client the broker uses, from <see cref="StorageEndpoints"/>: with a token credential
/// where an endpoint is configured, with the connection string otherwise. The credential is Azure.Identity's
/// DefaultAzureCredential unless one is given: in Container Apps it is the managed identity (AZURE_CLIENT_ID picks
/// the user-assigned one), on an operator's machine their developer sign-in. One credential for all clients, so a
/// token is fetched once per audience and refreshed before it expires.
/// </summary>
public sealed class StorageClients
{
    private readonly Lazy<TokenCredential> _credential;

    public StorageClients(StorageEndpoints endpoints, TokenCredential? credential = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        Endpoints = endpoints;
        _credential = new Lazy<TokenCredential>(() => credential ?? new DefaultAzureCredential());
    }

    public StorageEndpoints Endpoints { get; }

    /// <summary>The metadata, security, offsets and transactions tables.</summary>
    public TableServiceClient MetadataTables(TableClientOptions? options = null) => Tables(Endpoints.MetadataTables, options);

    /// <summary>The remote tier's manifest table.</summary>
    public TableServiceClient TieringTables(TableClientOptions? options = null) => Tables(Endpoints.TieringTables, options);

    /// <summary>The remote tier's segment blobs.</summary>
    public BlobServiceClient TieringBlobs(BlobClientOptions? options = null)
    {
        var location = Endpoints.TieringBlobs;
        options ??= new BlobClientOptions();
        return location.Endpoint is { } endpoint
            ? new BlobServiceClient(endpoint, _credential.Value, options)
            : new BlobServiceClient(location.ConnectionString, options);
    }

    private TableServiceClient Tables(StorageLocation location, TableClientOptions? options)
    {
        options ??= new TableClientOptions();
        return location.Endpoint is { } endpoint
            ? new TableServiceClient(endpoint, _credential.Value, options)
            : new TableServiceClient(location.ConnectionString, options);
    }
}
