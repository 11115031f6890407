using Fjord.Functions.Identity;
using Microsoft.Extensions.Configuration;

namespace Fjord.ControlPlane.Tests.Identity;

public sealed class EntraIdSettingsTests
{
    private static IConfiguration Settings(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    [Fact]
    public void WithoutAnAudienceEntraIdIsOff() => Assert.Null(EntraIdSettings.From(Settings()));

    [Fact]
    public void ADirectoryIdGivesThePublicCloudsIssuerAndKeys()
    {
        var options = EntraIdSettings.From(Settings(
            (EntraIdSettings.AudienceSetting, "api://fjord, 11111111-2222-3333-4444-555555555555"),
            (EntraIdSettings.DirectorySetting, "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee")))!;
        Assert.Equal("https://login.microsoftonline.com/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee/v2.0", options.Issuer);
        Assert.Equal(new Uri("https://login.microsoftonline.com/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee/discovery/v2.0/keys"), options.JwksUrl);
        Assert.Equal(["api://fjord", "11111111-2222-3333-4444-555555555555"], options.Audiences);
        Assert.Equal("Fjord.Operator", options.OperatorRole);
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("https://issuer.example/", null)]
    [InlineData(null, "https://issuer.example/keys")]
    public void AnAudienceWithoutADirectoryOrIssuerAndKeysFailsLoudly(string? issuer, string? jwks)
    {
        var values = new List<(string, string)> { (EntraIdSettings.AudienceSetting, "api://fjord") };
        if (issuer is not null) values.Add((EntraIdSettings.IssuerSetting, issuer));
        if (jwks is not null) values.Add((EntraIdSettings.JwksUrlSetting, jwks));
        var e = Assert.Throws<InvalidOperationException>(() => EntraIdSettings.From(Settings([.. values])));
        Assert.Contains(EntraIdSettings.DirectorySetting, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ADirectoryIdThatIsNotAGuidIsRefused() =>
        Assert.Throws<ArgumentException>(() => EntraIdSettings.From(Settings((EntraIdSettings.AudienceSetting, "api://fjord"), (EntraIdSettings.DirectorySetting, "contoso.com"))));
}
