using Azure.Data.Tables;
using Fjord.Broker.Configuration;
using Fjord.Broker.Membership;
using Fjord.Broker.Network;
using Fjord.Broker.Replication;
using Fjord.Broker.Tenancy;
using Fjord.Security.Authentication;
using Fjord.Security.Authorization;
using Fjord.Security.Credentials;
using Fjord.Security.Principals;
using Fjord.Security.Tenancy;
using Fjord.Security.Tls;
using Microsoft.Extensions.Logging;

namespace Fjord.Broker.Security;

/// <summary>
/// Everything security of one broker, built from its configuration: the authorizer (with its ACL cache over
/// Table storage), the SCRAM credentials (cached the same way), each listener's TLS and SASL, and how this
/// broker secures its own connections to the others. Revocation: a removed credential closes its user's
/// live sessions here, on every broker, within the cache's poll interval; so does a revoked client certificate.
/// </summary>
public sealed partial class BrokerSecurity : IAsyncDisposable
{
    private readonly ILogger _logger;
    private readonly List<IDisposable> _disposables = [];
    private KafkaServer? _server;

    private Func<int> _liveBrokers = () => 1;

    private BrokerSecurity(IAuthorizer authorizer, IAclStore? aclStore, AclCache? aclCache, IScramCredentialStore scramStore, ScramCredentialCache scramCache,
        ITenantStore tenantStore, TenantCache tenants, CertificateRevocationCache? revocations, ILogger logger)
    {
        Revocations = revocations;
        TenantStore = tenantStore;
        Tenants = tenants;
        TenantGate = new TenantGate(tenants, id => _server?.CountSessions(s => s.Tenant?.Id == id) ?? 0, () => _liveBrokers());
        Authorizer = authorizer;
        AclStore = aclStore;
        AclCache = aclCache;
        ScramStore = scramStore;
        ScramCache = scramCache;
        _logger = logger;
    }

    public IAuthorizer Authorizer { get; }

    /// <summary>Null when authorizer.class.name is empty: no ACLs, and the ACL APIs answer SECURITY_DISABLED.</summary>
    public IAclStore? AclStore { get; }
    public AclCache? AclCache { get; }
    public IScramCredentialStore ScramStore { get; }
    public ScramCredentialCache ScramCache { get; }

    /// <summary>The tenant registry, and every tenant in memory: who a principal's tenant is, and its limits.</summary>
    public ITenantStore TenantStore { get; }
    public TenantCache Tenants { get; }

    /// <summary>The revoked client certificates (fjord.certificate.revocation.table); null when no listener uses TLS.</summary>
    public CertificateRevocationCache? Revocations { get; }

    /// <summary>Where every authenticated connection meets its tenant.</summary>
    public TenantGate TenantGate { get; }

    public IReadOnlyDictionary<string, ListenerSecurity> Listeners { get; private set; } = new Dictionary<string, ListenerSecurity>();

    public InterBrokerSecurity InterBroker { get; private set; } = InterBrokerSecurity.None;

    public static async Task<BrokerSecurity> StartAsync(BrokerConfig config, TableServiceClient tables, StoreAvailability availability, TimeProvider time,
        ILoggerFactory loggers, CancellationToken ct)
    {
        var settings = new SecurityConfig(config);
        IAuthorizer authorizer = AllowAllAuthorizer.Instance;
        TableAclStore? aclStore = null;
        AclCache? aclCache = null;
        if (settings.AclsEnabled)
        {
            var acls = new AclAuthorizer(new AuthorizerOptions
            {
                SuperUsers = AuthorizerOptions.ParseSuperUsers(settings.SuperUsers),
                AllowEveryoneIfNoAclFound = settings.AllowEveryoneIfNoAclFound,
            });
            aclStore = new TableAclStore(tables, settings.AclTable);
            await availability.UntilAvailableAsync($"the ACL table {settings.AclTable}", aclStore.InitializeAsync, ct);
            aclCache = new AclCache(aclStore, acls, settings.PollInterval, time, loggers.CreateLogger<AclCache>());
            await availability.UntilAvailableAsync("the ACLs", aclCache.StartAsync, ct);
            authorizer = acls;
        }

        var scramStore = new TableScramCredentialStore(tables, settings.ScramTable);
        await availability.UntilAvailableAsync($"the SCRAM credential table {settings.ScramTable}", scramStore.InitializeAsync, ct);
        if (settings.BootstrapUsersFile is { } file)
        {
            var entries = ReadBootstrapUsers(file);
            await availability.UntilAvailableAsync("the bootstrap users", token => ScramBootstrapUsers.ApplyAsync(scramStore, entries, token), ct);
        }
        var scramCache = new ScramCredentialCache(scramStore, settings.PollInterval, time, loggers.CreateLogger<ScramCredentialCache>());
        await availability.UntilAvailableAsync("the SCRAM credentials", scramCache.StartAsync, ct);

        var tenantStore = new TableTenantStore(tables, settings.TenantTable);
        await availability.UntilAvailableAsync($"the tenant table {settings.TenantTable}", tenantStore.InitializeAsync, ct);
        var tenants = new TenantCache(tenantStore, settings.PollInterval, time, loggers.CreateLogger<TenantCache>());
        await availability.UntilAvailableAsync("the tenants", tenants.StartAsync, ct);

        CertificateRevocationCache? revocations = null;
        // Only a TLS listener sees client certificates; a PLAINTEXT-only broker does not poll for their revocations.
        if (config.Listeners.Any(l => l.Protocol.UsesTls()))
        {
            var revocationStore = new TableCertificateRevocationStore(tables, settings.CertificateRevocationTable, loggers.CreateLogger<TableCertificateRevocationStore>());
            await availability.UntilAvailableAsync($"the certificate revocation table {settings.CertificateRevocationTable}", revocationStore.InitializeAsync, ct);
            revocations = new CertificateRevocationCache(revocationStore, settings.PollInterval, time, loggers.CreateLogger<CertificateRevocationCache>());
            await availability.UntilAvailableAsync("the certificate revocations", revocations.StartAsync, ct);
        }

        var security = new BrokerSecurity(authorizer, aclStore, aclCache, scramStore, scramCache, tenantStore, tenants, revocations, loggers.CreateLogger<BrokerSecurity>());
        try
        {
            security.ConfigureListeners(config, settings, time, loggers);
            return security;
        }
        catch
        {
            await security.DisposeAsync();
            throw;
        }
    }

    private static IReadOnlyList<UserScramCredential> ReadBootstrapUsers(string file)
    {
        try
        {
            return ScramBootstrapUsers.Parse(File.ReadAllText(file));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException($"fjord.sasl.bootstrap.users={file} cannot be read: {e.Message}");
        }
        catch (FormatException e)
        {
            throw new ConfigException($"fjord.sasl.bootstrap.users={file}: {e.Message}");
        }
    }

    private void ConfigureListeners(BrokerConfig config, SecurityConfig settings, TimeProvider time, ILoggerFactory loggers)
    {
        var listeners = new Dictionary<string, ListenerSecurity>(StringComparer.Ordinal);
        foreach (var listener in config.Listeners)
            listeners[listener.Name] = ForListener(listener, settings, time, loggers);
        Listeners = listeners;

        var interBrokerName = config.InterBrokerListenerName;
        var interBroker = interBrokerName is null ? null : config.Listeners.FirstOrDefault(l => l.Name == interBrokerName)
            ?? throw new ConfigException($"inter.broker.listener.name={interBrokerName} is not one of the listeners");
        if (interBroker is null || interBroker.Protocol == SecurityProtocol.Plaintext) return;
        Func<string, System.Net.Security.SslClientAuthenticationOptions>? tls = null;
        if (interBroker.Protocol.UsesTls())
        {
            var factory = new SslClientOptionsFactory(ParseSsl(settings.ListenerLookup(interBroker.Name), interBroker.Name), time,
                loggers.CreateLogger<SslClientOptionsFactory>());
            tls = factory.Create;
        }
        Func<BrokerConnection, TimeSpan, CancellationToken, Task>? sasl = null;
        if (interBroker.Protocol.UsesSasl())
        {
            var newClient = InterBrokerClient(settings, interBroker.Name);
            sasl = new InterBrokerSaslAuthenticator(newClient).AuthenticateAsync;
        }
        InterBroker = new InterBrokerSecurity(tls, sasl);
    }

    private ListenerSecurity ForListener(ListenerEndpoint listener, SecurityConfig settings, TimeProvider time, ILoggerFactory loggers)
    {
        var name = listener.Name;
        var security = new ListenerSecurity
        {
            Protocol = listener.Protocol,
            ConnectionsMaxReauthMs = settings.ConnectionsMaxReauthMs(name),
            SaslServerMaxReceiveSize = settings.SaslServerMaxReceiveSize(name),
            FailedAuthenticationDelay = settings.FailedAuthenticationDelay(name),
            TlsHandshakeTimeout = settings.TlsHandshakeTimeout(name),
            Tenants = listener.Protocol == SecurityProtocol.Plaintext ? null : TenantGate,
        };
        if (listener.Protocol.UsesTls())
        {
            var ssl = ParseSsl(settings.ListenerLookup(name), name);
            if (ssl.Keystore is null) throw new ConfigException($"listener {name} uses TLS but has no ssl.keystore.location or ssl.keystore.certificate.chain");
            var factory = SslServerOptionsFactory.FromSettings(ssl, time, loggers.CreateLogger<SslServerOptionsFactory>(), Revocations is { } revoked ? revoked.IsRevoked : null);
            security = security with { TlsOptions = factory.Create, PrincipalFromCertificate = factory.PrincipalFor, IsCertificateRevoked = factory.IsRevoked };
        }
        if (listener.Protocol.UsesSasl())
        {
            var mechanisms = settings.SaslEnabledMechanisms(name);
            OAuthBearerValidator? oauth = null;
            if (mechanisms.Contains(SaslMechanismNames.OAuthBearer))
            {
                oauth = new OAuthBearerValidator(OAuthBearerOptionsFor(settings.ListenerLookup(name), name), time, loggers.CreateLogger<OAuthBearerValidator>());
                _disposables.Add(oauth);
            }
            SaslServerFactory factory;
            try
            {
                factory = new SaslServerFactory(mechanisms, ScramCache, oauth);
            }
            catch (ArgumentException e)
            {
                throw new ConfigException($"listener {name}: sasl.enabled.mechanisms: {e.Message}");
            }
            security = security with { SaslMechanisms = factory.EnabledMechanisms, CreateSaslServer = factory.Create };
        }
        return security;
    }

    private static SslSettings ParseSsl(Func<string, string?> lookup, string listener)
    {
        try
        {
            return SslSettings.Parse(lookup);
        }
        catch (SslConfigException e)
        {
            throw new ConfigException($"listener {listener}: {e.Message}");
        }
    }

    private static OAuthBearerOptions OAuthBearerOptionsFor(Func<string, string?> lookup, string listener)
    {
        string[] names =
        [
            OAuthBearerOptions.ExpectedIssuerConfig, OAuthBearerOptions.ExpectedAudienceConfig, OAuthBearerOptions.JwksEndpointUrlConfig,
            OAuthBearerOptions.JwksEndpointRefreshMsConfig, OAuthBearerOptions.SubClaimNameConfig, OAuthBearerOptions.ScopeClaimNameConfig,
            OAuthBearerOptions.ClockSkewSecondsConfig, OAuthBearerOptions.TenantClaimNameConfig,
        ];
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in names)
            if (lookup(name) is { } value) values[name] = value;
        try
        {
            return OAuthBearerOptions.FromConfig(values);
        }
        catch (FormatException e)
        {
            throw new ConfigException($"listener {listener} enables OAUTHBEARER: {e.Message}");
        }
    }

    /// <summary>The broker's own SASL client for the inter-broker mechanism, with the credentials of its sasl.jaas.config.</summary>
    private static Func<ISaslClient> InterBrokerClient(SecurityConfig settings, string listener)
    {
        var mechanism = settings.InterBrokerSaslMechanism;
        var jaas = settings.InterBrokerJaasConfig(listener)
            ?? throw new ConfigException($"listener {listener} is the inter-broker listener and uses SASL, but has no sasl.jaas.config with the broker's username and password " +
                $"(listener.name.{listener.ToLowerInvariant()}.{mechanism.ToLowerInvariant()}.sasl.jaas.config)");
        var options = JaasConfig.ParseOptions(jaas, "sasl.jaas.config");
        if (!options.TryGetValue("username", out var user) || !options.TryGetValue("password", out var password))
            throw new ConfigException($"listener {listener}: the inter-broker sasl.jaas.config needs username=\"…\" and password=\"…\"");
        if (mechanism == SaslMechanismNames.Plain) return () => new PlainSaslClient(user, password);
        if (ScramMechanisms.TryParse(mechanism, out var scram)) return () => new ScramSaslClient(scram, user, password);
        throw new ConfigException($"sasl.mechanism.inter.broker.protocol={mechanism}: the broker authenticates to other brokers with PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512");
    }

    /// <summary>
    /// From now on, a removed SCRAM credential closes the live sessions its user opened with a password, and a
    /// tenant that stops being active has every live session closed.
    /// </summary>
    /// <param name="liveBrokers">How many brokers share a tenant's cluster-wide connection limit.</param>
    public void AttachTo(KafkaServer server, Func<int> liveBrokers)
    {
        _server = server;
        _liveBrokers = liveBrokers;
        ScramCache.CredentialRemoved += OnCredentialRemoved;
        Tenants.TenantDeactivated += OnTenantDeactivated;
        if (Revocations is not null) Revocations.CertificatesRevoked += OnCertificatesRevoked;
    }

    private void OnCertificatesRevoked(IReadOnlySet<CertificateIdentity> revoked)
    {
        // Whatever authenticated the session afterwards (SASL on SASL_SSL too): the TLS peer itself is no longer trusted.
        var closed = _server?.CloseSessions(s => s.ClientCertificate is { } certificate && revoked.Contains(certificate)) ?? 0;
        if (closed > 0) LogCertificateSessionsClosed(closed, revoked.Count);
    }

    private void OnTenantDeactivated(string tenant)
    {
        var closed = _server?.CloseSessions(s => s.Tenant?.Id == tenant) ?? 0;
        LogTenantSessionsClosed(closed, tenant);
    }

    private void OnCredentialRemoved(string user)
    {
        var principal = KafkaPrincipal.User(user);
        var closed = _server?.CloseSessions(s => s.AuthenticatedMechanism is { } mechanism && mechanism != SaslMechanismNames.OAuthBearer && s.Principal == principal) ?? 0;
        if (closed > 0) LogSessionsClosed(closed, user);
    }

    public async ValueTask DisposeAsync()
    {
        ScramCache.CredentialRemoved -= OnCredentialRemoved;
        Tenants.TenantDeactivated -= OnTenantDeactivated;
        if (Revocations is not null)
        {
            Revocations.CertificatesRevoked -= OnCertificatesRevoked;
            await Revocations.DisposeAsync();
        }
        await Tenants.DisposeAsync();
        if (AclCache is not null) await AclCache.DisposeAsync();
        await ScramCache.DisposeAsync();
        foreach (var disposable in _disposables) disposable.Dispose();
    }

    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Closed {Count} live session(s) of {User}: its SCRAM credential was removed")]
    private partial void LogSessionsClosed(int count, string user);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Information, Message = "Closed {Count} live session(s) of tenant {Tenant}: it is no longer active")]
    private partial void LogTenantSessionsClosed(int count, string tenant);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Information, Message = "Closed {Count} live session(s) whose client certificate is among {Revoked} just revoked")]
    private partial void LogCertificateSessionsClosed(int count, int revoked);
}
