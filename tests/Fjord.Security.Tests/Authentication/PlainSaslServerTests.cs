using System.Text;
using Fjord.Security.Authentication;
using Fjord.Security.Credentials;
using Fjord.Security.Principals;

namespace Fjord.Security.Tests.Authentication;

public sealed class PlainSaslServerTests
{
    private const string Generic = "Authentication failed during authentication due to invalid credentials with SASL mechanism PLAIN";

    private static readonly TestCredentials Credentials = new TestCredentials()
        .Add("alice", "alice-secret", ScramMechanism.ScramSha512)
        .Add("bob", "bob-secret", ScramMechanism.ScramSha256)
        .Add("carol", "carol-512", ScramMechanism.ScramSha512)
        .Add("carol", "carol-256", ScramMechanism.ScramSha256);

    [Fact]
    public async Task TheRightPasswordAuthenticatesAgainstTheScramSha512Credential()
    {
        var step = await SaslExchange.RunAsync(new PlainSaslClient("alice", "alice-secret"), new PlainSaslServer(Credentials));

        Assert.True(step.IsComplete);
        Assert.Empty(step.Challenge);
        Assert.Equal(KafkaPrincipal.User("alice"), step.Principal);
    }

    [Fact]
    public async Task AUserWithOnlyAScramSha256CredentialAuthenticatesWithIt()
    {
        var step = await SaslExchange.RunAsync(new PlainSaslClient("bob", "bob-secret"), new PlainSaslServer(Credentials));

        Assert.Equal("bob", step.Principal!.Name);
    }

    [Fact]
    public async Task TheScramSha512CredentialWinsOverScramSha256()
    {
        await SaslExchange.RunAsync(new PlainSaslClient("carol", "carol-512"), new PlainSaslServer(Credentials));

        await Assert.ThrowsAsync<SaslAuthenticationException>(() => SaslExchange.RunAsync(new PlainSaslClient("carol", "carol-256"), new PlainSaslServer(Credentials)));
    }

    [Theory]
    [InlineData("\0alice\0wrong")]
    [InlineData("\0mallory\0alice-secret")]
    [InlineData("bob\0alice\0alice-secret")]
    [InlineData("\0alice\0")]
    [InlineData("\0\0alice-secret")]
    [InlineData("alice\0alice-secret")]
    [InlineData("\0alice\0alice-secret\0")]
    [InlineData("")]
    public async Task AWrongPasswordUnknownUserForeignAuthzidOrBrokenMessageFailsGenerically(string message)
    {
        var e = await Assert.ThrowsAsync<SaslAuthenticationException>(
            () => new PlainSaslServer(Credentials).EvaluateAsync(Encoding.UTF8.GetBytes(message), default).AsTask());

        Assert.Equal(Generic, e.Message);
    }

    [Fact]
    public async Task AnAuthzidEqualToTheUserIsAccepted()
    {
        var step = await new PlainSaslServer(Credentials).EvaluateAsync(Encoding.UTF8.GetBytes("alice\0alice\0alice-secret"), default);

        Assert.Equal("alice", step.Principal!.Name);
    }

    [Fact]
    public async Task InvalidUtf8FailsGenerically()
    {
        var e = await Assert.ThrowsAsync<SaslAuthenticationException>(
            () => new PlainSaslServer(Credentials).EvaluateAsync(new byte[] { 0, 0xC3, 0x28, 0, 0x41 }, default).AsTask());

        Assert.Equal(Generic, e.Message);
    }

    [Fact]
    public async Task ASecondMessageAfterSuccessFails()
    {
        var server = new PlainSaslServer(Credentials);
        var message = Encoding.UTF8.GetBytes("\0alice\0alice-secret");
        await server.EvaluateAsync(message, default);

        await Assert.ThrowsAsync<SaslAuthenticationException>(() => server.EvaluateAsync(message, default).AsTask());
    }
}
