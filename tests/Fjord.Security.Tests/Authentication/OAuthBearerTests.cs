using System.Text;
using Fjord.Security.Authentication;
using Fjord.Security.Principals;
using Fjord.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Fjord.Security.Tests.Authentication;

public sealed class OAuthBearerTests : IDisposable
{
    private const string Generic = "Authentication failed during authentication due to invalid credentials with SASL mechanism OAUTHBEARER";

    private static readonly DateTimeOffset Start = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly TestIdentityProvider _idp = new();
    private readonly FakeTimeProvider _time = new(Start);

    public void Dispose() => _idp.Dispose();

    [Fact]
    public async Task AValidTokenAuthenticatesAsItsSubjectUntilItExpires()
    {
        using var validator = Validator();
        var token = _idp.Issue(Start);

        var step = await SaslExchange.RunAsync(new OAuthBearerSaslClient(token), new OAuthBearerSaslServer(validator));

        Assert.Empty(step.Challenge);
        Assert.Equal(KafkaPrincipal.User("alice"), step.Principal);
        Assert.Equal(Start.AddHours(1), step.CredentialExpiresAt);
    }

    [Fact]
    public async Task AnEcSignedTokenFromTheJwksIsAccepted()
    {
        var ec = TestIdentityProvider.NewEcKey("ec-1");
        _idp.Publish(ec);
        using var validator = Validator();

        var result = await validator.ValidateAsync(_idp.Issue(Start, key: ec), default);

        Assert.True(result.IsValid, result.FailureReason);
    }

    [Fact]
    public async Task TheValidatorReportsScopesAndHonoursConfiguredClaimNames()
    {
        using var validator = Validator(o => new OAuthBearerOptions
        {
            JwksEndpointUrl = o.JwksEndpointUrl,
            SubClaimName = "client_id",
            ScopeClaimName = "scp",
        });

        var result = await validator.ValidateAsync(_idp.Issue(Start, Claims(("client_id", "svc-orders"), ("scp", new[] { "a", "b" }))), default);

        Assert.True(result.IsValid, result.FailureReason);
        Assert.Equal("svc-orders", result.PrincipalName);
        Assert.Equal(["a", "b"], result.Scopes);
    }

    [Fact]
    public async Task WithATenantClaimTheTokenAuthenticatesInsideItsTenantAndATokenWithoutOneIsRefused()
    {
        using var validator = Validator(o => new OAuthBearerOptions { JwksEndpointUrl = o.JwksEndpointUrl, TenantClaimName = "tid" });

        var withTenant = await validator.ValidateAsync(_idp.Issue(Start, Claims(("sub", "svc-orders"), ("tid", "acme"))), default);
        var withoutTenant = await validator.ValidateAsync(_idp.Issue(Start, Claims(("sub", "svc-orders"))), default);
        var badTenant = await validator.ValidateAsync(_idp.Issue(Start, Claims(("sub", "svc-orders"), ("tid", "Acme.Other"))), default);

        Assert.True(withTenant.IsValid, withTenant.FailureReason);
        Assert.Equal("acme.svc-orders", withTenant.PrincipalName);
        Assert.False(withoutTenant.IsValid);
        Assert.Contains("'tid'", withoutTenant.FailureReason, StringComparison.Ordinal);
        Assert.False(badTenant.IsValid);
    }

    [Fact]
    public async Task AnExpiredTokenIsRefusedOnceBeyondTheClockSkew()
    {
        using var validator = Validator();
        var token = _idp.Issue(Start, Claims(("exp", Start.AddMinutes(5).ToUnixTimeSeconds())));

        _time.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(29));
        Assert.True((await validator.ValidateAsync(token, default)).IsValid);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.False((await validator.ValidateAsync(token, default)).IsValid);
    }

    [Fact]
    public async Task ATokenWithoutExpIsRefused()
    {
        using var validator = Validator();

        Assert.False((await validator.ValidateAsync(_idp.Issue(Start, Claims(("exp", null))), default)).IsValid);
    }

    [Fact]
    public async Task ATokenNotYetValidIsRefused()
    {
        using var validator = Validator();

        Assert.False((await validator.ValidateAsync(_idp.Issue(Start, Claims(("nbf", Start.AddMinutes(10).ToUnixTimeSeconds()))), default)).IsValid);
    }

    public static TheoryData<string, string> BadTokens => new()
    {
        { "wrong audience", "aud=other" },
        { "wrong issuer", "iss=https://evil.example.com/" },
        { "missing sub", "sub=" },
        { "expired", "exp=past" },
        { "signed by another key", "key=other" },
        { "alg none", "unsigned" },
        { "garbage", "garbage" },
    };

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task AnInvalidTokenGetsTheInvalidTokenChallengeThenFailsOnTheAcknowledgement(string why, string how)
    {
        using var validator = Validator();
        var token = how switch
        {
            "aud=other" => _idp.Issue(Start, Claims(("aud", "other"))),
            "iss=https://evil.example.com/" => _idp.Issue(Start, Claims(("iss", "https://evil.example.com/"))),
            "sub=" => _idp.Issue(Start, Claims(("sub", null))),
            "exp=past" => _idp.Issue(Start, Claims(("exp", Start.AddHours(-1).ToUnixTimeSeconds()))),
            "key=other" => _idp.Issue(Start, key: TestIdentityProvider.NewRsaKey(_idp.SigningKey.KeyId)),
            "unsigned" => TestIdentityProvider.IssueUnsigned(Start),
            _ => "not.a.jwt",
        };
        Assert.False((await validator.ValidateAsync(token, default)).IsValid, why);

        var client = new OAuthBearerSaslClient(token);
        var server = new OAuthBearerSaslServer(validator);
        var step = await server.EvaluateAsync(client.InitialResponse(), default);

        Assert.False(step.IsComplete);
        Assert.Equal("""{"status":"invalid_token"}""", Encoding.UTF8.GetString(step.Challenge));
        var acknowledgement = client.EvaluateChallenge(step.Challenge)!;
        Assert.Equal([0x01], acknowledgement);
        Assert.Equal("""{"status":"invalid_token"}""", client.ServerError);
        var e = await Assert.ThrowsAsync<SaslAuthenticationException>(() => server.EvaluateAsync(acknowledgement, default).AsTask());
        Assert.Equal(Generic, e.Message);
    }

    [Fact]
    public async Task ATokenSignedWithARotatedInKeyIsAcceptedAfterOneJwksReload()
    {
        using var validator = Validator();
        Assert.True((await validator.ValidateAsync(_idp.Issue(Start), default)).IsValid);

        var rotated = TestIdentityProvider.NewRsaKey("rsa-2");
        _idp.Publish(rotated);

        Assert.True((await validator.ValidateAsync(_idp.Issue(Start, key: rotated), default)).IsValid);
    }

    [Fact]
    public async Task UnknownKeyIdsReloadTheJwksAtMostOncePerInterval()
    {
        using var validator = Validator();
        Assert.True((await validator.ValidateAsync(_idp.Issue(Start), default)).IsValid);
        // A made-up key id spends the reload; a key published right after is not seen until the interval passes.
        Assert.False((await validator.ValidateAsync(_idp.Issue(Start, key: TestIdentityProvider.NewRsaKey("made-up")), default)).IsValid);
        var rotated = TestIdentityProvider.NewRsaKey("rsa-2");
        _idp.Publish(rotated);
        var token = _idp.Issue(Start, key: rotated);

        Assert.False((await validator.ValidateAsync(token, default)).IsValid);
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.True((await validator.ValidateAsync(token, default)).IsValid);
    }

    [Fact]
    public async Task TheJwksIsReadAgainAfterTheRefreshInterval()
    {
        using var validator = Validator(o => new OAuthBearerOptions { JwksEndpointUrl = o.JwksEndpointUrl, JwksEndpointRefresh = TimeSpan.FromMinutes(5) });
        Assert.True((await validator.ValidateAsync(_idp.Issue(Start), default)).IsValid);
        File.WriteAllText(_idp.JwksPath, """{"keys":[]}""");

        Assert.True((await validator.ValidateAsync(_idp.Issue(Start), default)).IsValid);
        _time.Advance(TimeSpan.FromMinutes(5));
        Assert.False((await validator.ValidateAsync(_idp.Issue(Start), default)).IsValid);
    }

    [Fact]
    public async Task AnUnreadableJwksKeepsTheKeysReadBefore()
    {
        using var validator = Validator(o => new OAuthBearerOptions { JwksEndpointUrl = o.JwksEndpointUrl, JwksEndpointRefresh = TimeSpan.FromMinutes(5) });
        Assert.True((await validator.ValidateAsync(_idp.Issue(Start), default)).IsValid);
        File.Delete(_idp.JwksPath);
        _time.Advance(TimeSpan.FromMinutes(5));

        Assert.True((await validator.ValidateAsync(_idp.Issue(Start), default)).IsValid);
    }

    [Fact]
    public async Task AnAuthzidOtherThanTheSubjectFails()
    {
        using var validator = Validator();
        var message = Encoding.UTF8.GetBytes($"n,a=bob,\u0001auth=Bearer {_idp.Issue(Start)}\u0001\u0001");

        await Assert.ThrowsAsync<SaslAuthenticationException>(() => new OAuthBearerSaslServer(validator).EvaluateAsync(message, default).AsTask());
    }

    [Fact]
    public async Task AnAuthzidEqualToTheSubjectAndExtensionsAreAccepted()
    {
        using var validator = Validator();
        var message = Encoding.UTF8.GetBytes($"n,a=alice,\u0001host=broker1\u0001auth=bearer  {_idp.Issue(Start)}\u0001traceId=abc\u0001\u0001");

        var step = await new OAuthBearerSaslServer(validator).EvaluateAsync(message, default);

        Assert.True(step.IsComplete);
    }

    [Theory]
    [InlineData("")]
    [InlineData("\u0001")]
    [InlineData("n,,")]
    [InlineData("n,,\u0001\u0001")]
    [InlineData("n,,\u0001auth=Bearer TOKEN\u0001")]
    [InlineData("n,,\u0001auth=Basic TOKEN\u0001\u0001")]
    [InlineData("n,,\u0001auth=BearerTOKEN\u0001\u0001")]
    [InlineData("n,,\u0001auth=Bearer \u0001\u0001")]
    [InlineData("n,,\u0001auth=Bearer TO KEN\u0001\u0001")]
    [InlineData("y,,\u0001auth=Bearer TOKEN\u0001\u0001")]
    [InlineData("n,,auth=Bearer TOKEN\u0001\u0001")]
    [InlineData("n,,\u0001auth=Bearer TOKEN\u0001auth=Bearer TOKEN\u0001\u0001")]
    [InlineData("n,,\u00011key=v\u0001auth=Bearer TOKEN\u0001\u0001")]
    [InlineData("n,a=,\u0001auth=Bearer TOKEN\u0001\u0001")]
    public async Task AMalformedInitialResponseFailsAtOnce(string template)
    {
        using var validator = Validator();
        var message = Encoding.UTF8.GetBytes(template.Replace("TOKEN", _idp.Issue(Start), StringComparison.Ordinal));

        var e = await Assert.ThrowsAsync<SaslAuthenticationException>(() => new OAuthBearerSaslServer(validator).EvaluateAsync(message, default).AsTask());
        Assert.Equal(Generic, e.Message);
    }

    [Fact]
    public void OptionsAreReadUnderKafkasNames()
    {
        var options = OAuthBearerOptions.FromConfig(new Dictionary<string, string>
        {
            ["sasl.oauthbearer.jwks.endpoint.url"] = "https://idp.example.com/jwks",
            ["sasl.oauthbearer.expected.issuer"] = "https://idp.example.com/",
            ["sasl.oauthbearer.expected.audience"] = "fjord, kafka",
            ["sasl.oauthbearer.jwks.endpoint.refresh.ms"] = "60000",
            ["sasl.oauthbearer.sub.claim.name"] = "client_id",
            ["sasl.oauthbearer.scope.claim.name"] = "scp",
            ["sasl.oauthbearer.clock.skew.seconds"] = "5",
        });

        Assert.Equal(new Uri("https://idp.example.com/jwks"), options.JwksEndpointUrl);
        Assert.Equal("https://idp.example.com/", options.ExpectedIssuer);
        Assert.Equal(["fjord", "kafka"], options.ExpectedAudience);
        Assert.Equal(TimeSpan.FromMinutes(1), options.JwksEndpointRefresh);
        Assert.Equal("client_id", options.SubClaimName);
        Assert.Equal("scp", options.ScopeClaimName);
        Assert.Equal(TimeSpan.FromSeconds(5), options.ClockSkew);

        var defaults = OAuthBearerOptions.FromConfig(new Dictionary<string, string> { ["sasl.oauthbearer.jwks.endpoint.url"] = "file:///etc/jwks.json" });
        Assert.Null(defaults.ExpectedIssuer);
        Assert.Empty(defaults.ExpectedAudience);
        Assert.Equal("sub", defaults.SubClaimName);
        Assert.Equal("scope", defaults.ScopeClaimName);
        Assert.Equal(TimeSpan.FromSeconds(30), defaults.ClockSkew);
        Assert.Equal(TimeSpan.FromHours(1), defaults.JwksEndpointRefresh);
    }

    [Fact]
    public void AJwksUrlThatIsNeitherHttpsNorFileIsRefused()
    {
        Assert.Throws<FormatException>(() => OAuthBearerOptions.FromConfig(new Dictionary<string, string>()));
        Assert.Throws<ArgumentException>(() => new OAuthBearerValidator(
            new OAuthBearerOptions { JwksEndpointUrl = new Uri("http://idp.example.com/jwks") }, _time, NullLogger.Instance));
    }

    [Fact]
    public async Task TheFactoryServesOAuthBearerWithAValidator()
    {
        using var validator = Validator();
        var factory = new SaslServerFactory(["OAUTHBEARER"], new TestCredentials(), validator);

        var step = await SaslExchange.RunAsync(new OAuthBearerSaslClient(_idp.Issue(Start)), factory.Create("OAUTHBEARER")!);

        Assert.Equal("alice", step.Principal!.Name);
    }

    private OAuthBearerValidator Validator(Func<OAuthBearerOptions, OAuthBearerOptions>? adjust = null)
    {
        var options = new OAuthBearerOptions
        {
            JwksEndpointUrl = _idp.JwksUrl,
            ExpectedIssuer = TestIdentityProvider.Issuer,
            ExpectedAudience = ["other-service", TestIdentityProvider.Audience],
        };
        return new OAuthBearerValidator(adjust?.Invoke(options) ?? options, _time, NullLogger.Instance);
    }

    private static Dictionary<string, object?> Claims(params (string Name, object? Value)[] claims) => claims.ToDictionary(c => c.Name, c => c.Value);
}
