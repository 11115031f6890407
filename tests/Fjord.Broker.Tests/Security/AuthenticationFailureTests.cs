using System.Collections.Concurrent;
using Confluent.Kafka;
using Fjord.Broker.Tests.Infrastructure;
using Fjord.Testing;

namespace Fjord.Broker.Tests.Security;

/// <summary>
/// Clients with bad credentials are refused at authentication, as Confluent.Kafka reports it
/// (Local_Authentication), while a correctly authenticated client on the same listener keeps working.
/// </summary>
[Collection(BrokerCollection.Name)]
public sealed class AuthenticationFailureTests(SecureListenersFixture fixture) : IClassFixture<SecureListenersFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task AWrongPasswordAndAnUnknownUserFailAuthenticationWhileABystanderKeepsProducing()
    {
        const string topic = "bystander";
        await fixture.CreateTopicAsync(topic, 1);
        using var stop = new CancellationTokenSource();
        var delivered = 0;
        var failures = new ConcurrentQueue<string>();
        var bystander = Task.Run(async () =>
        {
            using var producer = fixture.SaslSsl(SaslMechanism.ScramSha512).Producer(messageTimeoutMs: 15_000);
            var i = 0;
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    await producer.ProduceAsync(topic, new Message<string, string> { Key = "bystander", Value = $"record-{i++}" });
                    Interlocked.Increment(ref delivered);
                }
                catch (ProduceException<string, string> e)
                {
                    failures.Enqueue(e.Error.ToString());
                }
            }
        });

        try
        {
            await Poll.UntilAsync(() => Volatile.Read(ref delivered) > 0, Deadline, "the bystander's first record");

            var wrongPassword = await SecureRoundTrip.AuthenticationErrorAsync(
                fixture.SaslSsl(SaslMechanism.ScramSha512, password: "not-the-password"), topic, Deadline);
            Assert.Contains("Authentication failed", wrongPassword.Reason, StringComparison.Ordinal);
            var unknownUser = await SecureRoundTrip.AuthenticationErrorAsync(
                fixture.SaslSsl(SaslMechanism.ScramSha256, user: "nobody", password: "whatever"), topic, Deadline);
            Assert.Contains("Authentication failed", unknownUser.Reason, StringComparison.Ordinal);
            var wrongPlainPassword = await SecureRoundTrip.AuthenticationErrorAsync(
                fixture.SaslSsl(SaslMechanism.Plain, password: "not-the-password"), topic, Deadline);
            Assert.Contains("Authentication failed", wrongPlainPassword.Reason, StringComparison.Ordinal);

            // Still going after the refusals.
            var before = Volatile.Read(ref delivered);
            await Poll.UntilAsync(() => Volatile.Read(ref delivered) >= before + 10, Deadline, "the bystander to keep producing");
        }
        finally
        {
            await stop.CancelAsync();
            await bystander;
        }
        Assert.Empty(failures);
    }

    /// <summary>As Kafka, the broker says no more than that the credentials were invalid; librdkafka names the mechanism.</summary>
    private static void AssertRefusedToken(Error error)
    {
        Assert.Contains("Authentication failed", error.Reason, StringComparison.Ordinal);
        Assert.Contains("OAUTHBEARER", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnExpiredTokenIsRefused()
    {
        var token = fixture.Tokens.Issue(SecureListenersFixture.User, expires: DateTimeOffset.UtcNow.AddHours(-1));
        var error = await SecureRoundTrip.AuthenticationErrorAsync(fixture.OAuthBearer(() => token), "oauth-refused", Deadline);
        AssertRefusedToken(error);
    }

    [Fact]
    public async Task ATokenForAnotherAudienceIsRefused()
    {
        var token = fixture.Tokens.Issue(SecureListenersFixture.User, audience: "someone-else");
        var error = await SecureRoundTrip.AuthenticationErrorAsync(fixture.OAuthBearer(() => token), "oauth-refused", Deadline);
        AssertRefusedToken(error);
    }

    [Fact]
    public async Task ATokenSignedByAKeyTheBrokerDoesNotTrustIsRefused()
    {
        // The trusted key's id on a key of the test's own: only the signature gives it away.
        var stranger = TestTokenIssuer.NewKey(fixture.Tokens.KeyId);
        using var rsa = stranger.Rsa;
        var token = fixture.Tokens.Issue(SecureListenersFixture.User, key: stranger);
        var error = await SecureRoundTrip.AuthenticationErrorAsync(fixture.OAuthBearer(() => token), "oauth-refused", Deadline);
        AssertRefusedToken(error);
    }
}
