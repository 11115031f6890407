using System.Buffers.Binary;
using System.Text;
using Fjord.Broker.Configuration;
using Fjord.Broker.Handlers;
using Fjord.Broker.Handlers.Security;
using Fjord.Broker.Network;
using Fjord.Broker.Security;
using Fjord.Broker.Tests.Infrastructure;
using Fjord.Protocol;
using Fjord.Security.Authentication;
using Fjord.Security.Principals;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Fjord.Broker.Tests.Security;

/// <summary>
/// The SASL state machine of a connection, over a real socket, with a two-step test mechanism: what is
/// answered before authenticating, both handshake versions, every SaslAuthenticate version, failures,
/// the frame limit and KIP-368 session expiry.
/// </summary>
public sealed class SaslConnectionTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);
    private KafkaServer _server = null!;
    private long _reauthMs;
    private ClientSession? _lastSession;

    public Task InitializeAsync() => StartAsync(reauthMs: 0);

    private async Task StartAsync(long reauthMs, TimeProvider? time = null)
    {
        time ??= TimeProvider.System;
        if (_server is not null) await _server.DisposeAsync();
        _reauthMs = reauthMs;
        RequestDispatcher? dispatcher = null;
        dispatcher = new RequestDispatcher(
            [new ApiVersionsHandler(() => dispatcher!.Handlers), new SaslHandshakeHandler(), new SaslAuthenticateHandler(time), new WhoAmIHandler(s => _lastSession = s)],
            NullLogger<RequestDispatcher>.Instance, time);
        var security = new ListenerSecurity
        {
            Protocol = SecurityProtocol.SaslPlaintext,
            SaslMechanisms = ["TEST"],
            CreateSaslServer = m => m == "TEST" ? new TwoStepMechanism() : null,
            ConnectionsMaxReauthMs = _reauthMs,
            SaslServerMaxReceiveSize = 1024,
            FailedAuthenticationDelay = TimeSpan.FromMilliseconds(50),
        };
        _server = new KafkaServer(dispatcher, new KafkaServerOptions { ListenerSecurity = new Dictionary<string, ListenerSecurity> { ["SASL_PLAINTEXT"] = security } },
            NullLoggerFactory.Instance, TimeProvider.System);
        _server.Start([new ListenerEndpoint("SASL_PLAINTEXT", "127.0.0.1", 0) { Protocol = SecurityProtocol.SaslPlaintext }]);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private Task<RawKafkaClient> ConnectAsync() => RawKafkaClient.ConnectAsync($"127.0.0.1:{_server.BoundListeners[0].Port}");

    [Fact]
    public async Task BeforeAuthenticatingOnlyApiVersionsAndSaslAreAnsweredAnythingElseCloses()
    {
        await using var client = await ConnectAsync();
        var versions = await client.SendAsync<ApiVersionsResponse>(new ApiVersionsRequest(), 3, Timeout);
        Assert.Contains(versions.ApiKeys, k => k.ApiKey == (short)ApiKey.SaslAuthenticate && k.MaxVersion == 2);

        await client.SendRawAsync(RawKafkaClient.Encode(new ListGroupsRequest(), 4, client.NextCorrelationId()));
        Assert.True(await client.IsClosedByBrokerAsync(Timeout));
        Assert.Null(_lastSession);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public async Task HandshakeV1ThenEverySaslAuthenticateVersionAuthenticates(short version)
    {
        await using var client = await ConnectAsync();
        var handshake = await client.SendAsync<SaslHandshakeResponse>(new SaslHandshakeRequest { Mechanism = "TEST" }, 1, Timeout);
        Assert.Equal(0, handshake.ErrorCode);
        Assert.Equal(["TEST"], handshake.Mechanisms);

        var first = await client.SendAsync<SaslAuthenticateResponse>(new SaslAuthenticateRequest { AuthBytes = "hello alice"u8.ToArray() }, version, Timeout);
        Assert.Equal(0, first.ErrorCode);
        Assert.Equal("challenge", Encoding.UTF8.GetString(first.AuthBytes.Span));
        var second = await client.SendAsync<SaslAuthenticateResponse>(new SaslAuthenticateRequest { AuthBytes = "secret"u8.ToArray() }, version, Timeout);
        Assert.Equal(0, second.ErrorCode);
        Assert.Equal("welcome", Encoding.UTF8.GetString(second.AuthBytes.Span));
        Assert.Equal(0, second.SessionLifetimeMs);

        await client.SendAsync<ListGroupsResponse>(new ListGroupsRequest(), 4, Timeout);
        Assert.Equal(KafkaPrincipal.User("alice"), _lastSession!.Principal);
    }

    [Fact]
    public async Task HandshakeV0ThenBareTokensAuthenticate()
    {
        await using var client = await ConnectAsync();
        var handshake = await client.SendAsync<SaslHandshakeResponse>(new SaslHandshakeRequest { Mechanism = "TEST" }, 0, Timeout);
        Assert.Equal(0, handshake.ErrorCode);

        await client.SendRawAsync(Bare("hello bob"));
        Assert.Equal("challenge", Encoding.UTF8.GetString(await client.ReadFrameAsync(Timeout) ?? []));
        await client.SendRawAsync(Bare("secret"));
        Assert.Equal("welcome", Encoding.UTF8.GetString(await client.ReadFrameAsync(Timeout) ?? []));

        await client.SendAsync<ListGroupsResponse>(new ListGroupsRequest(), 4, Timeout);
        Assert.Equal(KafkaPrincipal.User("bob"), _lastSession!.Principal);
    }

    [Fact]
    public async Task AWrongTokenAnswersSaslAuthenticationFailedAndCloses()
    {
        await using var client = await ConnectAsync();
        await client.SendAsync<SaslHandshakeResponse>(new SaslHandshakeRequest { Mechanism = "TEST" }, 1, Timeout);
        await client.SendAsync<SaslAuthenticateResponse>(new SaslAuthenticateRequest { AuthBytes = "hello alice"u8.ToArray() }, 2, Timeout);
        var started = DateTime.UtcNow;
        var failed = await client.SendAsync<SaslAuthenticateResponse>(new SaslAuthenticateRequest { AuthBytes = "guess"u8.ToArray() }, 2, Timeout);

        Assert.Equal((short)ErrorCode.SaslAuthenticationFailed, failed.ErrorCode);
        Assert.Equal("Authentication failed: invalid credentials", failed.ErrorMessage);
        Assert.True(DateTime.UtcNow - started >= TimeSpan.FromMilliseconds(45), "the failure is held back by connection.failed.authentication.delay.ms");
        Assert.True(await client.IsClosedByBrokerAsync(Timeout));
    }

    [Fact]
    public async Task AnUnknownMechanismIsRefusedWithTheEnabledOnesAndCloses()
    {
        await using var client = await ConnectAsync();
        var handshake = await client.SendAsync<SaslHandshakeResponse>(new SaslHandshakeRequest { Mechanism = "GSSAPI" }, 1, Timeout);
        Assert.Equal((short)ErrorCode.UnsupportedSaslMechanism, handshake.ErrorCode);
        Assert.Equal(["TEST"], handshake.Mechanisms);
        Assert.True(await client.IsClosedByBrokerAsync(Timeout));
    }

    [Fact]
    public async Task SaslAuthenticateWithoutAHandshakeIsAnIllegalState()
    {
        await using var client = await ConnectAsync();
        var response = await client.SendAsync<SaslAuthenticateResponse>(new SaslAuthenticateRequest { AuthBytes = "hello alice"u8.ToArray() }, 1, Timeout);
        Assert.Equal((short)ErrorCode.IllegalSaslState, response.ErrorCode);
        Assert.True(await client.IsClosedByBrokerAsync(Timeout));
    }

    [Fact]
    public async Task AFrameOverSaslServerMaxReceiveSizeBeforeAuthenticatingCloses()
    {
        await using var client = await ConnectAsync();
        await client.SendAsync<SaslHandshakeResponse>(new SaslHandshakeRequest { Mechanism = "TEST" }, 1, Timeout);
        await client.SendRawAsync(RawKafkaClient.Encode(new SaslAuthenticateRequest { AuthBytes = new byte[2048] }, 1, client.NextCorrelationId()));
        Assert.True(await client.IsClosedByBrokerAsync(Timeout));
    }

    [Fact]
    public async Task ASessionTellsItsLifetimeAndReauthenticatesOnTheSameConnection()
    {
        await StartAsync(reauthMs: 60_000);
        await using var client = await ConnectAsync();
        var lifetime = await AuthenticateAsync(client, "alice");
        Assert.InRange(lifetime, 1, 60_000);

        // KIP-368: the client re-authenticates in band, and keeps being served.
        Assert.InRange(await AuthenticateAsync(client, "alice"), 1, 60_000);
        await client.SendAsync<ListGroupsResponse>(new ListGroupsRequest(), 4, Timeout);
        Assert.Equal(KafkaPrincipal.User("alice"), _lastSession!.Principal);
    }

    [Fact]
    public async Task AReauthenticationAsSomeoneElseFailsAndCloses()
    {
        await StartAsync(reauthMs: 60_000);
        await using var client = await ConnectAsync();
        await AuthenticateAsync(client, "alice");

        await client.SendAsync<SaslHandshakeResponse>(new SaslHandshakeRequest { Mechanism = "TEST" }, 1, Timeout);
        await client.SendAsync<SaslAuthenticateResponse>(new SaslAuthenticateRequest { AuthBytes = "hello mallory"u8.ToArray() }, 2, Timeout);
        var response = await client.SendAsync<SaslAuthenticateResponse>(new SaslAuthenticateRequest { AuthBytes = "secret"u8.ToArray() }, 2, Timeout);
        Assert.Equal((short)ErrorCode.SaslAuthenticationFailed, response.ErrorCode);
        Assert.True(await client.IsClosedByBrokerAsync(Timeout));
    }

    [Fact]
    public async Task ARequestAfterTheSessionExpiredClosesTheConnection()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await StartAsync(reauthMs: 200, time);
        await using var client = await ConnectAsync();
        Assert.Equal(200, await AuthenticateAsync(client, "alice"));
        await client.SendAsync<ListGroupsResponse>(new ListGroupsRequest(), 4, Timeout);
        time.Advance(TimeSpan.FromMilliseconds(200));

        await client.SendRawAsync(RawKafkaClient.Encode(new ListGroupsRequest(), 4, client.NextCorrelationId()));
        Assert.True(await client.IsClosedByBrokerAsync(Timeout));
    }

    private static async Task<long> AuthenticateAsync(RawKafkaClient client, string user)
    {
        var handshake = await client.SendAsync<SaslHandshakeResponse>(new SaslHandshakeRequest { Mechanism = "TEST" }, 1, Timeout);
        Assert.Equal(0, handshake.ErrorCode);
        await client.SendAsync<SaslAuthenticateResponse>(new SaslAuthenticateRequest { AuthBytes = Encoding.UTF8.GetBytes($"hello {user}") }, 2, Timeout);
        var done = await client.SendAsync<SaslAuthenticateResponse>(new SaslAuthenticateRequest { AuthBytes = "secret"u8.ToArray() }, 2, Timeout);
        Assert.Equal(0, done.ErrorCode);
        return done.SessionLifetimeMs;
    }

    private static byte[] Bare(string token)
    {
        var bytes = Encoding.UTF8.GetBytes(token);
        var frame = new byte[4 + bytes.Length];
        BinaryPrimitives.WriteInt32BigEndian(frame, bytes.Length);
        bytes.CopyTo(frame, 4);
        return frame;
    }

    /// <summary>"hello NAME" → "challenge"; "secret" → "welcome" as User:NAME; anything else fails.</summary>
    private sealed class TwoStepMechanism : ISaslServer
    {
        private string? _user;

        public string Mechanism => "TEST";

        public ValueTask<SaslStep> EvaluateAsync(ReadOnlyMemory<byte> clientMessage, CancellationToken ct)
        {
            var text = Encoding.UTF8.GetString(clientMessage.Span);
            if (_user is null && text.StartsWith("hello ", StringComparison.Ordinal))
            {
                _user = text[6..];
                return ValueTask.FromResult(SaslStep.Continue("challenge"u8.ToArray()));
            }
            if (_user is not null && text == "secret")
                return ValueTask.FromResult(SaslStep.Complete("welcome"u8.ToArray(), KafkaPrincipal.User(_user)));
            throw new SaslAuthenticationException();
        }
    }

    /// <summary>Answers ListGroups and remembers whose session asked.</summary>
    private sealed class WhoAmIHandler(Action<ClientSession> seen) : ApiHandler<ListGroupsRequest, ListGroupsResponse>
    {
        public override ApiKey ApiKey => ApiKey.ListGroups;
        public override short MinVersion => 0;
        public override short MaxVersion => 5;

        protected override ValueTask<ListGroupsResponse?> HandleAsync(RequestContext request, ListGroupsRequest body, CancellationToken ct)
        {
            seen(request.Session);
            return ValueTask.FromResult<ListGroupsResponse?>(new ListGroupsResponse());
        }
    }
}
