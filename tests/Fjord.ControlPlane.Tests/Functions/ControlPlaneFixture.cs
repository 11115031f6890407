using System.Net.Http.Headers;
using Azure.Data.Tables;
using Fjord.Cluster;
using Fjord.ControlPlane.ApiKeys;
using Fjord.Functions;
using Fjord.Functions.Certificates;
using Fjord.Functions.Cluster;
using Fjord.Functions.Groups;
using Fjord.Functions.Identity;
using Fjord.Functions.LocalHost;
using Fjord.Functions.Topics;
using Fjord.Security.Authorization;
using Fjord.Security.Credentials;
using Fjord.Security.Quotas;
using Fjord.Security.Tenancy;
using Fjord.Security.Tls;
using Fjord.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Time.Testing;

namespace Fjord.ControlPlane.Tests.Functions;

/// <summary>
/// Azurite, and the local control plane over it on a port the OS chose, reached over a real socket; plus the stores
/// the tests read back from and an operator key to call with.
/// </summary>
public sealed class ControlPlaneFixture : IAsyncLifetime
{
    private readonly AzuriteFixture _azurite = new();
    private readonly string _suffix = Guid.NewGuid().ToString("N")[..12];
    private readonly TempDirectory _folder = new("control-plane");
    private WebApplication? _app;

    public Uri BaseAddress { get; private set; } = null!;

    public TableServiceClient Service { get; private set; } = null!;

    public TableTenantStore Tenants { get; private set; } = null!;

    public TableScramCredentialStore Credentials { get; private set; } = null!;

    public TableAclStore Acls { get; private set; } = null!;

    public ApiKeyStore ApiKeys { get; private set; } = null!;

    public TableClientQuotaStore Quotas { get; private set; } = null!;

    /// <summary>The cluster's metadata table, with one broker registered and no controller: topics are created but get no leaders.</summary>
    public TableMetadataStore Metadata { get; private set; } = null!;

    /// <summary>How long a create waits for leaders here; short, since nothing elects them.</summary>
    public static readonly TimeSpan LeaderWait = TimeSpan.FromMilliseconds(200);

    public string OperatorKey { get; private set; } = "";

    /// <summary>The Entra ID directory the control plane trusts here: tokens it issues for audience <see cref="TestIdentityProvider.Audience"/> are accepted.</summary>
    public TestIdentityProvider EntraId { get; } = new();

    public string ApiKeyTable => "apikeys" + _suffix;

    public string TenantTable => "tenants" + _suffix;

    public string ScramTable => "scram" + _suffix;

    public string AclTable => "acls" + _suffix;

    public string BrokerStatusTable => "brokerstatus" + _suffix;
    public string OffsetsTable => "offsets" + _suffix;

    public string PartitionStatsTable => "partitionstats" + _suffix;
    public string CertificateTable => "certs" + _suffix;

    public string RevocationTable => "revoked" + _suffix;

    /// <summary>What the control plane is told as FJORD_BOOTSTRAP_SERVERS (no brokers listen there).</summary>
    public string BootstrapServers => "127.0.0.1:19192,127.0.0.1:19193";

    /// <summary>The PEM in the file the control plane is told as FJORD_CA_CERTIFICATE_PATH (a real CA: it signs too).</summary>
    public string CaCertificate { get; private set; } = "";

    public string ConnectionString => _azurite.ConnectionString;

    public async Task InitializeAsync()
    {
        await _azurite.InitializeAsync();
        Service = new TableServiceClient(_azurite.ConnectionString);
        Tenants = new TableTenantStore(Service, "tenants" + _suffix);
        Credentials = new TableScramCredentialStore(Service, "scram" + _suffix);
        Acls = new TableAclStore(Service, "acls" + _suffix);
        ApiKeys = new ApiKeyStore(Service, TimeProvider.System, ApiKeyTable);
        Quotas = new TableClientQuotaStore(Service, "quotas" + _suffix);
        Metadata = new TableMetadataStore(Service, "metadata" + _suffix);
        await Metadata.GetOrCreateClusterIdAsync(CancellationToken.None);
        await Metadata.RegisterBrokerAsync(new BrokerRegistration(0, Guid.NewGuid(), [new BrokerEndpoint("PLAINTEXT", "127.0.0.1", 9092, "PLAINTEXT")], null, DateTimeOffset.UtcNow),
            CancellationToken.None);
        using (var authority = LocalCertificateAuthority.Create()) authority.Save(_folder.Path);
        var ca = _folder.Combine(LocalCertificateAuthority.CaCertificateFile);
        CaCertificate = await File.ReadAllTextAsync(ca);
        _app = LocalControlPlane.Build(
        [
            "--urls", LocalControlPlane.DefaultUrls,
            $"--{ControlPlaneSettings.TableConnectionSetting}={_azurite.ConnectionString}",
            $"--{ControlPlaneSettings.TenantTableSetting}=tenants{_suffix}",
            $"--{ControlPlaneSettings.ScramTableSetting}=scram{_suffix}",
            $"--{ControlPlaneSettings.AclTableSetting}=acls{_suffix}",
            $"--{ControlPlaneSettings.ApiKeyTableSetting}={ApiKeyTable}",
            $"--{ControlPlaneServiceCollectionExtensions.QuotaTableSetting}=quotas{_suffix}",
            $"--{TopicServiceCollectionExtensions.MetadataTableSetting}=metadata{_suffix}",
            $"--{TopicServiceCollectionExtensions.LeaderWaitSetting}={(int)LeaderWait.TotalMilliseconds}",
            $"--{GroupServiceCollectionExtensions.OffsetsTableSetting}={OffsetsTable}",
            $"--{GroupServiceCollectionExtensions.PartitionStatsTableSetting}={PartitionStatsTable}",
            $"--{ClusterFunctions.BootstrapServersSetting}={BootstrapServers}",
            $"--{ClusterFunctions.CaCertificatePathSetting}={ca}",
            $"--{EntraIdSettings.AudienceSetting}={TestIdentityProvider.Audience}",
            $"--{EntraIdSettings.IssuerSetting}={TestIdentityProvider.Issuer}",
            $"--{EntraIdSettings.JwksUrlSetting}={EntraId.JwksUrl}",
            $"--{ClusterStatusServiceCollectionExtensions.StatusTableSetting}={BrokerStatusTable}",
            $"--{CertificateServiceCollectionExtensions.CaKeyPathSetting}={_folder.Combine(LocalCertificateAuthority.CaKeyFile)}",
            $"--{CertificateServiceCollectionExtensions.CertificateTableSetting}={CertificateTable}",
            $"--{CertificateServiceCollectionExtensions.RevocationTableSetting}={RevocationTable}",
            "--Logging:LogLevel:Default=Warning",
        ]);
        await _app.StartAsync();
        BaseAddress = LocalControlPlane.BoundAddresses(_app).Single();
        await ApiKeys.InitializeAsync(CancellationToken.None);
        OperatorKey = (await ApiKeys.CreateOperatorKeyAsync(TimeSpan.FromHours(1), "tests", CancellationToken.None)).Secret;
    }

    public async Task DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
        await _azurite.DisposeAsync();
        _folder.Dispose();
        EntraId.Dispose();
    }

    /// <summary>A client that sends <paramref name="key"/> as its bearer token (none when null).</summary>
    public HttpClient Client(string? key)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        if (key is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    /// <summary>A key whose expiry passed an hour ago, written as a control plane whose clock ran two hours behind would write it.</summary>
    public async Task<string> ExpiredKeyAsync(string? tenant)
    {
        var past = new FakeTimeProvider(DateTimeOffset.UtcNow - TimeSpan.FromHours(2));
        var store = new ApiKeyStore(Service, past, ApiKeyTable);
        var created = tenant is null
            ? await store.CreateOperatorKeyAsync(TimeSpan.FromHours(1), "expired", CancellationToken.None)
            : await store.CreateTenantKeyAsync(tenant, TimeSpan.FromHours(1), "expired", CancellationToken.None);
        return created.Secret;
    }

    /// <summary>The versions of all three tables the control plane writes: any write at all moves one of them.</summary>
    public async Task<(long Tenants, long Credentials, long Acls)> VersionsAsync() =>
        (await Tenants.GetVersionAsync(CancellationToken.None), await Credentials.ReadVersionAsync(CancellationToken.None), await Acls.ReadVersionAsync(CancellationToken.None));
}
