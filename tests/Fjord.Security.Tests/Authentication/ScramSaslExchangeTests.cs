using System.Text;
using Fjord.Security.Authentication;
using Fjord.Security.Credentials;
using Fjord.Security.Principals;

namespace Fjord.Security.Tests.Authentication;

public sealed class ScramSaslExchangeTests
{
    private static readonly TestCredentials Credentials = new TestCredentials()
        .Add("alice", "alice-secret")
        .Add("we,ird=name", "pw");

    public static TheoryData<ScramMechanism> Mechanisms => [ScramMechanism.ScramSha256, ScramMechanism.ScramSha512];

    [Theory]
    [MemberData(nameof(Mechanisms))]
    public async Task TheRightPasswordAuthenticatesAsTheUser(ScramMechanism mechanism)
    {
        var step = await SaslExchange.RunAsync(new ScramSaslClient(mechanism, "alice", "alice-secret"), new ScramSaslServer(mechanism, Credentials));

        Assert.Equal(KafkaPrincipal.User("alice"), step.Principal);
        Assert.Null(step.CredentialExpiresAt);
    }

    [Theory]
    [MemberData(nameof(Mechanisms))]
    public async Task ANameWithCommaAndEqualsTravelsEscaped(ScramMechanism mechanism)
    {
        var step = await SaslExchange.RunAsync(new ScramSaslClient(mechanism, "we,ird=name", "pw"), new ScramSaslServer(mechanism, Credentials));

        Assert.Equal("we,ird=name", step.Principal!.Name);
    }

    [Fact]
    public async Task Rfc7677TestVectorIsReproducedMessageForMessage()
    {
        const string clientNonce = "rOprNGfwEbeRWgbNEkqO";
        const string serverNonce = "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
        var credential = ScramCredentials.Create(ScramMechanism.ScramSha256, "pencil", 4096, Convert.FromBase64String("W22ZaJ0SNY7soEsUEjb6gQ=="));
        var lookup = new TestCredentials().Add("user", ScramMechanism.ScramSha256, credential);
        var client = new ScramSaslClient(ScramMechanism.ScramSha256, "user", "pencil", clientNonce);
        var server = new ScramSaslServer(ScramMechanism.ScramSha256, lookup, () => serverNonce);

        var clientFirst = client.InitialResponse();
        Assert.Equal("n,,n=user,r=rOprNGfwEbeRWgbNEkqO", Text(clientFirst));
        var serverFirst = await server.EvaluateAsync(clientFirst, default);
        Assert.Equal("r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096", Text(serverFirst.Challenge));
        var clientFinal = client.EvaluateChallenge(serverFirst.Challenge)!;
        Assert.Equal("c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=", Text(clientFinal));
        var serverFinal = await server.EvaluateAsync(clientFinal, default);
        Assert.Equal("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=", Text(serverFinal.Challenge));
        Assert.True(serverFinal.IsComplete);
        Assert.Null(client.EvaluateChallenge(serverFinal.Challenge));
        Assert.True(client.IsComplete);
    }

    [Fact]
    public async Task LibrdkafkaBefore261RepeatingItsClientNonceInTheClientFinalIsAcceptedAsKafkaDoes()
    {
        // librdkafka < 2.6.1 sends r=<client nonce><combined nonce>; Kafka 3.8.1 accepts it, and its proof covers what it sent.
        const string clientNonce = "dyO?.HWDNI;CEzx6s<UQvHkcp-GO-A1L";
        var credential = ScramCredentials.Create(ScramMechanism.ScramSha256, "pencil", 4096);
        var server = new ScramSaslServer(ScramMechanism.ScramSha256, new TestCredentials().Add("user", ScramMechanism.ScramSha256, credential), () => "server-nonce");
        var clientFirstBare = $"n=user,r={clientNonce}";
        var serverFirst = Text((await server.EvaluateAsync(Encoding.UTF8.GetBytes("n,," + clientFirstBare), default)).Challenge);

        var withoutProof = $"c=biws,r={clientNonce}{clientNonce}server-nonce";
        var salted = ScramFormatter.SaltedPassword(ScramMechanism.ScramSha256, "pencil", credential.Salt, 4096);
        var proof = ScramFormatter.ClientProof(ScramMechanism.ScramSha256, salted, Encoding.UTF8.GetBytes($"{clientFirstBare},{serverFirst},{withoutProof}"));
        var final = await server.EvaluateAsync(Encoding.UTF8.GetBytes($"{withoutProof},p={Convert.ToBase64String(proof)}"), default);

        Assert.True(final.IsComplete);
        Assert.Equal(KafkaPrincipal.User("user"), final.Principal);
    }

    [Fact]
    public async Task ANonceThatOnlyEndsWithTheCombinedOneIsRefused()
    {
        var credential = ScramCredentials.Create(ScramMechanism.ScramSha256, "pencil", 4096);
        var server = new ScramSaslServer(ScramMechanism.ScramSha256, new TestCredentials().Add("user", ScramMechanism.ScramSha256, credential), () => "server-nonce");
        var serverFirst = Text((await server.EvaluateAsync("n,,n=user,r=abc"u8.ToArray(), default)).Challenge);
        var withoutProof = "c=biws,r=XYZabcserver-nonce";
        var salted = ScramFormatter.SaltedPassword(ScramMechanism.ScramSha256, "pencil", credential.Salt, 4096);
        var proof = ScramFormatter.ClientProof(ScramMechanism.ScramSha256, salted, Encoding.UTF8.GetBytes($"n=user,r=abc,{serverFirst},{withoutProof}"));

        await Assert.ThrowsAsync<SaslAuthenticationException>(async () =>
            await server.EvaluateAsync(Encoding.UTF8.GetBytes($"{withoutProof},p={Convert.ToBase64String(proof)}"), default));
    }

    [Theory]
    [MemberData(nameof(Mechanisms))]
    public async Task AWrongPasswordFailsWithTheGenericMessage(ScramMechanism mechanism)
    {
        var e = await Assert.ThrowsAsync<SaslAuthenticationException>(
            () => SaslExchange.RunAsync(new ScramSaslClient(mechanism, "alice", "wrong"), new ScramSaslServer(mechanism, Credentials)));

        Assert.Equal(GenericMessage(mechanism), e.Message);
    }

    [Theory]
    [MemberData(nameof(Mechanisms))]
    public async Task AnUnknownUserGetsAStableSaltAndFailsOnlyAtTheProofWithTheSameMessage(ScramMechanism mechanism)
    {
        var first = await new ScramSaslServer(mechanism, Credentials).EvaluateAsync(Bytes("n,,n=mallory,r=abc"), default);
        var second = await new ScramSaslServer(mechanism, Credentials).EvaluateAsync(Bytes("n,,n=mallory,r=abc"), default);
        Assert.False(first.IsComplete);
        Assert.Equal(ServerFirstWithoutNonce(first), ServerFirstWithoutNonce(second));
        Assert.EndsWith(",i=4096", Text(first.Challenge), StringComparison.Ordinal);

        var e = await Assert.ThrowsAsync<SaslAuthenticationException>(
            () => SaslExchange.RunAsync(new ScramSaslClient(mechanism, "mallory", "guess"), new ScramSaslServer(mechanism, Credentials)));
        Assert.Equal(GenericMessage(mechanism), e.Message);
    }

    [Fact]
    public async Task ACredentialForTheOtherMechanismDoesNotCount()
    {
        var only256 = new TestCredentials().Add("bob", "pw", ScramMechanism.ScramSha256);

        await Assert.ThrowsAsync<SaslAuthenticationException>(
            () => SaslExchange.RunAsync(new ScramSaslClient(ScramMechanism.ScramSha512, "bob", "pw"), new ScramSaslServer(ScramMechanism.ScramSha512, only256)));
    }

    [Theory]
    [MemberData(nameof(Mechanisms))]
    public async Task ATamperedNonceFails(ScramMechanism mechanism)
    {
        var (server, clientFinal) = await UpToClientFinalAsync(mechanism);
        var tampered = Text(clientFinal).Replace(",r=", ",r=X", StringComparison.Ordinal);

        var e = await Assert.ThrowsAsync<SaslAuthenticationException>(() => server.EvaluateAsync(Bytes(tampered), default).AsTask());
        Assert.Equal(GenericMessage(mechanism), e.Message);
    }

    [Theory]
    [MemberData(nameof(Mechanisms))]
    public async Task ATamperedProofFails(ScramMechanism mechanism)
    {
        var (server, clientFinal) = await UpToClientFinalAsync(mechanism);
        var text = Text(clientFinal);
        var proofAt = text.LastIndexOf(",p=", StringComparison.Ordinal) + 3;
        var proof = Convert.FromBase64String(text[proofAt..]);
        proof[0] ^= 1;

        var e = await Assert.ThrowsAsync<SaslAuthenticationException>(
            () => server.EvaluateAsync(Bytes(text[..proofAt] + Convert.ToBase64String(proof)), default).AsTask());
        Assert.Equal(GenericMessage(mechanism), e.Message);
    }

    [Theory]
    [MemberData(nameof(Mechanisms))]
    public async Task AClientFinalReplayedAfterCompletionFails(ScramMechanism mechanism)
    {
        var (server, clientFinal) = await UpToClientFinalAsync(mechanism);
        Assert.True((await server.EvaluateAsync(clientFinal, default)).IsComplete);

        var e = await Assert.ThrowsAsync<SaslAuthenticationException>(() => server.EvaluateAsync(clientFinal, default).AsTask());
        Assert.Equal(GenericMessage(mechanism), e.Message);
    }

    [Fact]
    public async Task AClientFinalReplayedOnAnotherExchangeFailsBecauseTheServerNonceDiffers()
    {
        var (_, clientFinal) = await UpToClientFinalAsync(ScramMechanism.ScramSha256);
        var fresh = new ScramSaslServer(ScramMechanism.ScramSha256, Credentials);
        await fresh.EvaluateAsync(new ScramSaslClient(ScramMechanism.ScramSha256, "alice", "alice-secret").InitialResponse(), default);

        await Assert.ThrowsAsync<SaslAuthenticationException>(() => fresh.EvaluateAsync(clientFinal, default).AsTask());
    }

    [Theory]
    [InlineData("y,,n=alice,r=abc")]
    [InlineData("p=tls-unique,,n=alice,r=abc")]
    [InlineData("n,,n=alice,r=abc,tokenauth=true")]
    [InlineData("n,a=bob,n=alice,r=abc")]
    [InlineData("n,,m=ext,n=alice,r=abc")]
    public async Task ChannelBindingTokenAuthAndAForeignAuthzidAreRefused(string clientFirst)
    {
        var server = new ScramSaslServer(ScramMechanism.ScramSha256, Credentials);

        var e = await Assert.ThrowsAsync<SaslAuthenticationException>(() => server.EvaluateAsync(Bytes(clientFirst), default).AsTask());
        Assert.Equal(GenericMessage(ScramMechanism.ScramSha256), e.Message);
    }

    [Fact]
    public async Task AnAuthzidEqualToTheUserIsAcceptedAndItsGs2HeaderMustComeBackAsChannelBinding()
    {
        var credential = ScramCredentials.Create(ScramMechanism.ScramSha256, "pw", 4096);
        var lookup = new TestCredentials().Add("carol", ScramMechanism.ScramSha256, credential);
        var server = new ScramSaslServer(ScramMechanism.ScramSha256, lookup);
        const string bare = "n=carol,r=nonce1";
        var serverFirst = Text((await server.EvaluateAsync(Bytes("n,a=carol," + bare), default)).Challenge);
        var nonce = serverFirst.Split(',')[0][2..];
        var salted = ScramFormatter.SaltedPassword(ScramMechanism.ScramSha256, "pw", credential.Salt, 4096);
        var withoutProof = $"c={Convert.ToBase64String(Bytes("n,a=carol,"))},r={nonce}";
        var proof = ScramFormatter.ClientProof(ScramMechanism.ScramSha256, salted, Bytes($"{bare},{serverFirst},{withoutProof}"));

        var step = await server.EvaluateAsync(Bytes($"{withoutProof},p={Convert.ToBase64String(proof)}"), default);

        Assert.True(step.IsComplete);
        Assert.Equal("carol", step.Principal!.Name);
    }

    [Fact]
    public async Task TheClientRefusesAServerSignatureItDidNotExpect()
    {
        // Only a holder of the ServerKey can sign the exchange; a man in the middle has to make one up.
        var client = new ScramSaslClient(ScramMechanism.ScramSha256, "alice", "alice-secret");
        var server = new ScramSaslServer(ScramMechanism.ScramSha256, Credentials);
        var serverFirst = await server.EvaluateAsync(client.InitialResponse(), default);
        var serverFinal = await server.EvaluateAsync(client.EvaluateChallenge(serverFirst.Challenge)!, default);
        var forged = Text(serverFinal.Challenge)[..^4] + "AAA=";

        Assert.Throws<SaslAuthenticationException>(() => client.EvaluateChallenge(Bytes(forged)));
        Assert.False(client.IsComplete);
    }

    [Theory]
    [InlineData("r=othernonce,s=c2FsdA==,i=4096")]
    [InlineData("r=CLIENTNONCE,s=c2FsdA==,i=4096")]
    [InlineData("r=CLIENTNONCEmore,s=c2FsdA==,i=1000")]
    [InlineData("r=CLIENTNONCEmore,s=,i=4096")]
    [InlineData("e=other-error")]
    [InlineData("garbage")]
    public void TheClientRefusesABadServerFirstMessage(string serverFirst)
    {
        var client = new ScramSaslClient(ScramMechanism.ScramSha256, "alice", "pw", "CLIENTNONCE");
        client.InitialResponse();

        Assert.Throws<SaslAuthenticationException>(() => client.EvaluateChallenge(Bytes(serverFirst)));
    }

    private static async Task<(ScramSaslServer Server, byte[] ClientFinal)> UpToClientFinalAsync(ScramMechanism mechanism)
    {
        var client = new ScramSaslClient(mechanism, "alice", "alice-secret");
        var server = new ScramSaslServer(mechanism, Credentials);
        var serverFirst = await server.EvaluateAsync(client.InitialResponse(), default);
        return (server, client.EvaluateChallenge(serverFirst.Challenge)!);
    }

    private static string ServerFirstWithoutNonce(SaslStep step) => Text(step.Challenge)[Text(step.Challenge).IndexOf(",s=", StringComparison.Ordinal)..];

    internal static string GenericMessage(ScramMechanism mechanism) =>
        $"Authentication failed during authentication due to invalid credentials with SASL mechanism {mechanism.MechanismName()}";

    private static string Text(byte[] bytes) => Encoding.UTF8.GetString(bytes);

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);
}
