using Azure;
using Azure.Core;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Fjord.Broker.Configuration;
using Fjord.Broker.Storage;

namespace Fjord.Broker.Tests.Storage;

/// <summary>
/// Which storage each Azure client of the broker uses and how it authenticates: endpoints mean a token credential,
/// connection strings the account key; conflicting or malformed settings are refused with the setting's name.
/// </summary>
public sealed class StorageEndpointsTests
{
    private const string Table = "https://fjordst.table.core.windows.net/";
    private const string Blob = "https://fjordst.blob.core.windows.net/";
    private const string Azurite = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=a2V5;TableEndpoint=http://127.0.0.1:1/devstoreaccount1;";

    private static StorageEndpoints From(params (string Key, string Value)[] settings) =>
        StorageEndpoints.From(BrokerConfig.FromValues(settings.ToDictionary(s => s.Key, s => s.Value)));

    [Fact]
    public void WithoutSettingsEveryClientUsesTheDevelopmentStorage()
    {
        var endpoints = From();
        Assert.False(endpoints.UsesIdentity);
        Assert.All([endpoints.MetadataTables, endpoints.TieringTables, endpoints.TieringBlobs],
            l => Assert.Equal(StorageEndpoints.DevelopmentStorage, l.ConnectionString));
    }

    [Fact]
    public void TheAzureSettingsGiveEveryClientItsEndpointAndATokenCredential()
    {
        var endpoints = From(("fjord.metadata.table.endpoint", Table), ("fjord.tiering.table.endpoint", Table), ("fjord.tiering.blob.endpoint", Blob));
        Assert.True(endpoints.UsesIdentity);
        Assert.Equal(new Uri(Table), endpoints.MetadataTables.Endpoint);
        Assert.Equal(new Uri(Table), endpoints.TieringTables.Endpoint);
        Assert.Equal(new Uri(Blob), endpoints.TieringBlobs.Endpoint);
        Assert.All([endpoints.MetadataTables, endpoints.TieringTables, endpoints.TieringBlobs], l => Assert.Null(l.ConnectionString));
    }

    [Fact]
    public void TheTierSharesTheMetadataAccountUnlessToldOtherwise()
    {
        var byString = From(("fjord.metadata.connection.string", Azurite));
        Assert.Equal(Azurite, byString.TieringTables.ConnectionString);
        Assert.Equal(Azurite, byString.TieringBlobs.ConnectionString);

        var byEndpoint = From(("fjord.metadata.table.endpoint", Table), ("fjord.tiering.blob.endpoint", Blob));
        Assert.Equal(new Uri(Table), byEndpoint.TieringTables.Endpoint);
    }

    [Fact]
    public void ATieringConnectionStringServesBothTierClients()
    {
        var endpoints = From(("fjord.metadata.table.endpoint", Table), ("fjord.tiering.connection.string", Azurite));
        Assert.Equal(Azurite, endpoints.TieringTables.ConnectionString);
        Assert.Equal(Azurite, endpoints.TieringBlobs.ConnectionString);
        Assert.True(endpoints.MetadataTables.UsesIdentity);
    }

    [Theory]
    [InlineData("fjord.metadata.table.endpoint", Table, "fjord.metadata.connection.string")]
    [InlineData("fjord.tiering.table.endpoint", Table, "fjord.tiering.connection.string")]
    [InlineData("fjord.tiering.blob.endpoint", Blob, "fjord.tiering.connection.string")]
    public void AnEndpointAndAConnectionStringForTheSameClientAreRefused(string endpoint, string url, string connectionString)
    {
        var e = Assert.Throws<ConfigException>(() => From((endpoint, url), (connectionString, Azurite)));
        Assert.Contains(endpoint, e.Message, StringComparison.Ordinal);
        Assert.Contains(connectionString, e.Message, StringComparison.Ordinal);
        Assert.Contains("not both", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("fjordst.table.core.windows.net")]
    [InlineData("http://fjordst.table.core.windows.net/")]
    [InlineData("https://fjordst.table.core.windows.net/?sv=2024&sig=abc")]
    [InlineData("https://user:key@fjordst.table.core.windows.net/")]
    [InlineData("not a url")]
    public void AMalformedEndpointIsRefusedWithTheSettingsName(string url)
    {
        var e = Assert.Throws<ConfigException>(() => From(("fjord.metadata.table.endpoint", url), ("fjord.tiering.blob.endpoint", Blob)));
        Assert.Contains("fjord.metadata.table.endpoint must be an https:// service URL", e.Message, StringComparison.Ordinal);
        Assert.Contains(url, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AMetadataEndpointWithoutABlobEndpointIsRefusedRatherThanFallingBackToTheEmulator()
    {
        var e = Assert.Throws<ConfigException>(() => From(("fjord.metadata.table.endpoint", Table)));
        Assert.Contains("fjord.tiering.blob.endpoint", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClientsAtAnEndpointSendTheCredentialsStorageTokenAndConnectionStringClientsNeverAskForOne()
    {
        // Nothing listens on port 1: the request fails after the credential was asked, which is what is measured.
        const string unreachable = "https://127.0.0.1:1/devstoreaccount1";
        var credential = new RecordingCredential();
        var byEndpoint = new StorageClients(From(("fjord.metadata.table.endpoint", unreachable), ("fjord.tiering.blob.endpoint", unreachable)), credential);
        await Assert.ThrowsAsync<RequestFailedException>(() => byEndpoint.MetadataTables(new TableClientOptions { Retry = { MaxRetries = 0 } }).GetPropertiesAsync());
        await Assert.ThrowsAsync<RequestFailedException>(() => byEndpoint.TieringBlobs(new BlobClientOptions { Retry = { MaxRetries = 0 } }).GetPropertiesAsync());
        Assert.Equal(["https://storage.azure.com/.default", "https://storage.azure.com/.default"], credential.Scopes);

        var refusing = new RecordingCredential();
        var byString = new StorageClients(From(("fjord.metadata.connection.string", Azurite)), refusing);
        await Assert.ThrowsAsync<RequestFailedException>(() => byString.MetadataTables(new TableClientOptions { Retry = { MaxRetries = 0 } }).GetPropertiesAsync());
        Assert.Empty(refusing.Scopes);
    }

    private sealed class RecordingCredential : TokenCredential
    {
        public List<string> Scopes { get; } = [];

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            Scopes.AddRange(requestContext.Scopes);
            return new AccessToken("token", DateTimeOffset.UtcNow.AddHours(1));
        }

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }
}
