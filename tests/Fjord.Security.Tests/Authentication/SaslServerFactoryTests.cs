using Fjord.Security.Authentication;
using Fjord.Security.Credentials;

namespace Fjord.Security.Tests.Authentication;

public sealed class SaslServerFactoryTests
{
    private static readonly TestCredentials Credentials = new TestCredentials().Add("alice", "pw");

    [Fact]
    public void CreatesAServerForEachEnabledMechanismOnly()
    {
        var factory = new SaslServerFactory(["SCRAM-SHA-512", "PLAIN"], Credentials);

        Assert.Equal(["SCRAM-SHA-512", "PLAIN"], factory.EnabledMechanisms);
        Assert.IsType<ScramSaslServer>(factory.Create("SCRAM-SHA-512"));
        Assert.Equal("SCRAM-SHA-512", factory.Create("SCRAM-SHA-512")!.Mechanism);
        Assert.IsType<PlainSaslServer>(factory.Create("PLAIN"));
        Assert.Null(factory.Create("SCRAM-SHA-256"));
        Assert.Null(factory.Create("OAUTHBEARER"));
        Assert.Null(factory.Create("GSSAPI"));
    }

    [Fact]
    public void MechanismNamesAreCaseSensitive()
    {
        var factory = new SaslServerFactory(["PLAIN", "SCRAM-SHA-256"], Credentials);

        Assert.Null(factory.Create("plain"));
        Assert.Null(factory.Create("scram-sha-256"));
    }

    [Fact]
    public void EachCallGivesAFreshExchange()
    {
        var factory = new SaslServerFactory(["SCRAM-SHA-256"], Credentials);

        Assert.NotSame(factory.Create("SCRAM-SHA-256"), factory.Create("SCRAM-SHA-256"));
    }

    [Fact]
    public void AnUnsupportedMechanismOrOAuthBearerWithoutAValidatorIsAConfigurationError()
    {
        Assert.Throws<ArgumentException>(() => new SaslServerFactory(["GSSAPI"], Credentials));
        Assert.Throws<ArgumentException>(() => new SaslServerFactory(["OAUTHBEARER"], Credentials));
    }

    [Fact]
    public async Task AFactoryMadeServerAuthenticatesAFactoryUnawareClient()
    {
        var server = new SaslServerFactory(["SCRAM-SHA-256"], Credentials).Create("SCRAM-SHA-256")!;

        var step = await SaslExchange.RunAsync(new ScramSaslClient(ScramMechanism.ScramSha256, "alice", "pw"), server);

        Assert.Equal("alice", step.Principal!.Name);
    }
}
