using System.Net.Security;
using System.Security.Authentication;
using Fjord.Security.Tls;

namespace Fjord.Security.Tests.Tls;

public sealed class SslSettingsTests
{
    private static SslSettings Parse(params (string, string?)[] settings) => SslSettings.Parse(TestCertificates.Lookup(settings));

    private static SslConfigException Refused(params (string, string?)[] settings) =>
        Assert.Throws<SslConfigException>(() => Parse(settings));

    [Fact]
    public void DefaultsAreKafkas()
    {
        var settings = Parse();
        Assert.Null(settings.Keystore);
        Assert.Null(settings.Truststore);
        Assert.Equal(SslClientAuth.None, settings.ClientAuth);
        Assert.Equal(SslProtocols.Tls12 | SslProtocols.Tls13, settings.EnabledProtocols);
        Assert.Empty(settings.CipherSuites);
        Assert.True(settings.EndpointIdentification);
        Assert.Equal(["DEFAULT"], settings.PrincipalMapper.Rules);
    }

    [Theory]
    [InlineData("/etc/fjord/broker.p12", SslStoreType.Pkcs12)]
    [InlineData("/etc/fjord/broker.PFX", SslStoreType.Pkcs12)]
    [InlineData("/etc/fjord/broker.pem", SslStoreType.Pem)]
    [InlineData("/etc/fjord/broker", SslStoreType.Pem)]
    public void KeystoreTypeFollowsTheFileExtensionWhenUnset(string location, SslStoreType expected)
    {
        var settings = Parse((SslConfigNames.KeystoreLocation, location));
        Assert.Equal(expected, settings.Keystore!.Type);
        Assert.Equal(location, settings.Keystore.Location);
    }

    [Fact]
    public void ExplicitKeystoreTypeWins()
    {
        var settings = Parse((SslConfigNames.KeystoreLocation, "/k.p12"), (SslConfigNames.KeystoreType, "PEM"));
        Assert.Equal(SslStoreType.Pem, settings.Keystore!.Type);
    }

    [Fact]
    public void ReadsEveryValue()
    {
        var settings = Parse(
            (SslConfigNames.KeystoreLocation, "/k.p12"),
            (SslConfigNames.KeystorePassword, "secret"),
            (SslConfigNames.TruststoreLocation, "/ca.pem"),
            (SslConfigNames.ClientAuth, "required"),
            (SslConfigNames.EnabledProtocols, "TLSv1.3"),
            (SslConfigNames.CipherSuites, "TLS_AES_128_GCM_SHA256, TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"),
            (SslConfigNames.EndpointIdentificationAlgorithm, ""),
            (SslConfigNames.PrincipalMappingRules, "RULE:^CN=(.*?),.*$/$1/L,DEFAULT"));
        Assert.Equal("secret", settings.Keystore!.Password);
        Assert.Equal(SslStoreType.Pem, settings.Truststore!.Type);
        Assert.Equal(SslClientAuth.Required, settings.ClientAuth);
        Assert.Equal(SslProtocols.Tls13, settings.EnabledProtocols);
        Assert.Equal([TlsCipherSuite.TLS_AES_128_GCM_SHA256, TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384], settings.CipherSuites);
        Assert.False(settings.EndpointIdentification);
        Assert.Equal(2, settings.PrincipalMapper.Rules.Count);
    }

    [Fact]
    public void InlinePemKeystoreNeedsChainAndKey()
    {
        var settings = Parse((SslConfigNames.KeystoreCertificateChain, "chain"), (SslConfigNames.KeystoreKey, "key"));
        Assert.False(settings.Keystore!.IsFile);
        Assert.Equal(SslStoreType.Pem, settings.Keystore.Type);

        Assert.Equal(SslConfigNames.KeystoreKey, Refused((SslConfigNames.KeystoreCertificateChain, "chain")).Setting);
        Assert.Equal(SslConfigNames.KeystoreCertificateChain, Refused((SslConfigNames.KeystoreKey, "key")).Setting);
    }

    [Theory]
    [InlineData(SslConfigNames.ClientAuth, "sometimes")]
    [InlineData(SslConfigNames.EnabledProtocols, "TLSv1.1")]
    [InlineData(SslConfigNames.EnabledProtocols, "TLS1.2")]
    [InlineData(SslConfigNames.CipherSuites, "TLS_NOT_A_SUITE")]
    [InlineData(SslConfigNames.CipherSuites, "4865")]
    [InlineData(SslConfigNames.EndpointIdentificationAlgorithm, "ldaps")]
    [InlineData(SslConfigNames.KeystoreType, "JKS")]
    [InlineData(SslConfigNames.TruststoreType, "BKS")]
    [InlineData(SslConfigNames.PrincipalMappingRules, "RULE:^CN=(.*)$/$1")]
    [InlineData(SslConfigNames.PrincipalMappingRules, "RULE:^CN=(.*$/$1/")]
    [InlineData(SslConfigNames.PrincipalMappingRules, "DEFAULT,SOMETHING")]
    [InlineData(SslConfigNames.PrincipalMappingRules, "RULE:^CN=(.*)$/$1/X")]
    public void ABadValueNamesItsSetting(string setting, string value)
    {
        var error = Refused((setting, value), (SslConfigNames.KeystoreLocation, "/k.pem"), (SslConfigNames.TruststoreLocation, "/t.pem"));
        Assert.Equal(setting, error.Setting);
        Assert.Contains(setting, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void KeystoreFileAndInlineKeystoreAreExclusive()
    {
        var error = Refused((SslConfigNames.KeystoreLocation, "/k.pem"), (SslConfigNames.KeystoreCertificateChain, "c"), (SslConfigNames.KeystoreKey, "k"));
        Assert.Equal(SslConfigNames.KeystoreLocation, error.Setting);
    }

    [Fact]
    public void InlineKeystoreMustBePem()
    {
        var error = Refused((SslConfigNames.KeystoreType, "PKCS12"), (SslConfigNames.KeystoreCertificateChain, "c"), (SslConfigNames.KeystoreKey, "k"));
        Assert.Equal(SslConfigNames.KeystoreType, error.Setting);
    }
}
