using System.Text;
using Fjord.Security.Authentication;
using Fjord.Security.Credentials;

namespace Fjord.Security.Tests.Authentication;

/// <summary>Broken SCRAM messages at either step must fail as authentication, never as any other exception.</summary>
public sealed class ScramMalformedMessageTests
{
    private static readonly TestCredentials Credentials = new TestCredentials().Add("alice", "alice-secret", ScramMechanism.ScramSha256);

    public static TheoryData<byte[]> BrokenClientFirst =>
    [
        [],
        Bytes("n"),
        Bytes("n,"),
        Bytes("n,,"),
        Bytes("n,,n="),
        Bytes("n,,n=alice"),
        Bytes("n,,n=alice,"),
        Bytes("n,,n=alice,r="),
        Bytes("n,,r=abc,n=alice"),
        Bytes("n,,n=,r=abc"),
        Bytes("n,,n=al=ice,r=abc"),
        Bytes("n,,n=al=2ice,r=abc"),
        Bytes("n,,n=alice,r=ab c"),
        Bytes("n,,n=alice,r=abc,=x"),
        Bytes("n,,n=alice,r=abc,k1=x"),
        Bytes("n,,n=alice,r=abc,a=1,a=2"),
        Bytes("n,x=y,n=alice,r=abc"),
        Bytes("n,a=,n=alice,r=abc"),
        Bytes(",,n=alice,r=abc"),
        Bytes("N,,n=alice,r=abc"),
        [0xFF, 0xFE, 0x00],
        [.. "n,,n=ali"u8, 0xC3, 0x28, .. "ce,r=abc"u8],
        Bytes("n,,n=alice,r=abc\u00e9"),
        Bytes(new string(',', 1000)),
        Bytes("n,,n=" + new string('a', 100_000) + ",r=abc,x"),
    ];

    public static TheoryData<string> BrokenClientFinal =>
    [
        "",
        "c=biws",
        "c=biws,r=NONCE",
        "c=biws,r=NONCE,p=",
        "c=biws,r=NONCE,p=!!!notbase64",
        "c=biws,r=NONCE,p=AAAA",
        "r=NONCE,c=biws,p=AAAA",
        "c=eSws,r=NONCE,p=PROOF",
        "c=,r=NONCE,p=PROOF",
        "c=biws,r=,p=PROOF",
        "c=biws,r=NONCE,x,p=PROOF",
        "c=biws,r=NONCEextra,p=PROOF",
        "p=PROOF",
        ",,,",
        "c=biws,r=NONCE,p=PROOF,p=PROOF",
    ];

    [Theory]
    [MemberData(nameof(BrokenClientFirst))]
    public async Task ABrokenClientFirstMessageFailsAsAuthentication(byte[] message)
    {
        var server = new ScramSaslServer(ScramMechanism.ScramSha256, Credentials);

        var e = await Assert.ThrowsAsync<SaslAuthenticationException>(() => server.EvaluateAsync(message, default).AsTask());
        Assert.Equal(ScramSaslExchangeTests.GenericMessage(ScramMechanism.ScramSha256), e.Message);
    }

    [Theory]
    [MemberData(nameof(BrokenClientFinal))]
    public async Task ABrokenClientFinalMessageFailsAsAuthentication(string template)
    {
        var client = new ScramSaslClient(ScramMechanism.ScramSha256, "alice", "alice-secret");
        var server = new ScramSaslServer(ScramMechanism.ScramSha256, Credentials);
        var serverFirst = await server.EvaluateAsync(client.InitialResponse(), default);
        var good = Encoding.UTF8.GetString(client.EvaluateChallenge(serverFirst.Challenge)!);
        var nonce = good.Split(',')[1][2..];
        var proof = good[(good.LastIndexOf(",p=", StringComparison.Ordinal) + 3)..];
        var message = template.Replace("NONCE", nonce, StringComparison.Ordinal).Replace("PROOF", proof, StringComparison.Ordinal);

        var e = await Assert.ThrowsAsync<SaslAuthenticationException>(() => server.EvaluateAsync(Bytes(message), default).AsTask());
        Assert.Equal(ScramSaslExchangeTests.GenericMessage(ScramMechanism.ScramSha256), e.Message);
    }

    [Fact]
    public async Task RandomBytesAtEitherStepOnlyEverFailAsAuthentication()
    {
        var random = new Random(20261207);
        for (var i = 0; i < 300; i++)
        {
            var junk = new byte[random.Next(0, 64)];
            random.NextBytes(junk);
            var server = new ScramSaslServer(ScramMechanism.ScramSha256, Credentials);
            if (i % 2 == 1)
                await server.EvaluateAsync(Bytes("n,,n=alice,r=abc"), default);

            await Assert.ThrowsAsync<SaslAuthenticationException>(() => server.EvaluateAsync(junk, default).AsTask());
        }
    }

    [Fact]
    public async Task AfterAFailureEveryFurtherMessageFailsToo()
    {
        var server = new ScramSaslServer(ScramMechanism.ScramSha256, Credentials);
        await Assert.ThrowsAsync<SaslAuthenticationException>(() => server.EvaluateAsync(Bytes("garbage"), default).AsTask());

        await Assert.ThrowsAsync<SaslAuthenticationException>(() => server.EvaluateAsync(Bytes("n,,n=alice,r=abc"), default).AsTask());
    }

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);
}
