using System.Text;
using Fjord.Security.Authentication;
using Fjord.Security.Credentials;
using Fjord.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Fjord.Security.Tests.Authentication;

/// <summary>
/// Valid messages with bytes flipped, dropped or truncated, fed to each server: whatever a mutation does, the
/// server either goes on or fails with <see cref="SaslAuthenticationException"/>, never another exception.
/// Seeded, so a failure reproduces.
/// </summary>
public sealed class SaslMutationFuzzTests : IDisposable
{
    private const int Mutations = 400;

    private static readonly TestCredentials Credentials = new TestCredentials().Add("alice", "alice-secret");

    private readonly TestIdentityProvider _idp = new();

    public void Dispose() => _idp.Dispose();

    [Theory]
    [InlineData(ScramMechanism.ScramSha256)]
    [InlineData(ScramMechanism.ScramSha512)]
    public async Task MutatedScramMessagesFailOnlyAsAuthentication(ScramMechanism mechanism)
    {
        var random = new Random(5802);
        for (var i = 0; i < Mutations; i++)
        {
            var client = new ScramSaslClient(mechanism, "alice", "alice-secret", "fuzz-client-nonce");
            var server = new ScramSaslServer(mechanism, Credentials, () => "fuzz-server-nonce");
            var clientFirst = client.InitialResponse();
            if (i % 2 == 0)
            {
                await ExpectContinueOrAuthenticationFailure(() => server.EvaluateAsync(Mutate(clientFirst, random), default));
                continue;
            }

            var serverFirst = await server.EvaluateAsync(clientFirst, default);
            var clientFinal = client.EvaluateChallenge(serverFirst.Challenge)!;
            var mutated = Mutate(clientFinal, random);
            var step = await ExpectContinueOrAuthenticationFailure(() => server.EvaluateAsync(mutated, default));
            // A mutation that still authenticates can only be one that changed nothing the proof covers.
            if (step is { IsComplete: true })
                Assert.Equal(WithoutProof(clientFinal), WithoutProof(mutated));
        }
    }

    [Fact]
    public async Task MutatedPlainMessagesFailOnlyAsAuthentication()
    {
        var random = new Random(4616);
        var message = new PlainSaslClient("alice", "alice-secret").InitialResponse();
        for (var i = 0; i < Mutations / 4; i++)
            await ExpectContinueOrAuthenticationFailure(() => new PlainSaslServer(Credentials).EvaluateAsync(Mutate(message, random), default));
    }

    [Fact]
    public async Task MutatedOAuthBearerMessagesFailOnlyAsAuthentication()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.Zero));
        using var validator = new OAuthBearerValidator(new OAuthBearerOptions { JwksEndpointUrl = _idp.JwksUrl }, time, NullLogger.Instance);
        var message = new OAuthBearerSaslClient(_idp.Issue(time.GetUtcNow())).InitialResponse();
        var random = new Random(7628);
        for (var i = 0; i < Mutations; i++)
            await ExpectContinueOrAuthenticationFailure(() => new OAuthBearerSaslServer(validator).EvaluateAsync(Mutate(message, random), default));
    }

    private static async Task<SaslStep?> ExpectContinueOrAuthenticationFailure(Func<ValueTask<SaslStep>> evaluate)
    {
        try
        {
            return await evaluate();
        }
        catch (SaslAuthenticationException)
        {
            return null;
        }
    }

    private static string WithoutProof(byte[] clientFinal)
    {
        var text = Encoding.UTF8.GetString(clientFinal);
        return text[..text.LastIndexOf(",p=", StringComparison.Ordinal)];
    }

    private static byte[] Mutate(byte[] message, Random random)
    {
        var bytes = message.ToList();
        for (var edits = random.Next(1, 4); edits > 0 && bytes.Count > 0; edits--)
        {
            var at = random.Next(bytes.Count);
            switch (random.Next(5))
            {
                case 0:
                    bytes[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 1:
                    bytes.RemoveAt(at);
                    break;
                case 2:
                    bytes.Insert(at, (byte)",=\u0001\0a"[random.Next(5)]);
                    break;
                case 3:
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
                default:
                    bytes[at] = (byte)random.Next(256);
                    break;
            }
        }

        return [.. bytes];
    }
}
