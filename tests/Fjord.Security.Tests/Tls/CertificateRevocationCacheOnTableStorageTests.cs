using System.Collections.Concurrent;
using Azure.Data.Tables;
using Fjord.Security.Tls;
using Fjord.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Fjord.Security.Tests.Tls;

/// <summary>The control plane revokes, a broker's cache refuses: each with its own store instance over one table.</summary>
public sealed class CertificateRevocationCacheOnTableStorageTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task ARevocationWrittenElsewhereIsRefusedAndAnnouncedOnceAndRevokingAgainKeepsTheFirstTime()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var ct = timeout.Token;
        var table = $"r{Guid.NewGuid():N}";
        var controlPlane = new TableCertificateRevocationStore(new TableServiceClient(azurite.ConnectionString), table);
        var broker = new TableCertificateRevocationStore(new TableServiceClient(azurite.ConnectionString), table);
        await controlPlane.InitializeAsync(ct);
        var time = new FakeTimeProvider();
        await using var cache = new CertificateRevocationCache(broker, PollInterval, time, NullLogger.Instance);
        var announced = new ConcurrentQueue<IReadOnlySet<CertificateIdentity>>();
        cache.CertificatesRevoked += announced.Enqueue;
        await cache.StartAsync(ct);

        var app1 = new CertificateIdentity("CN=Fjord Local CA,O=Fjord", "4A0B");
        var sameSerialOtherCa = app1 with { Issuer = "CN=Another CA" };
        Assert.False(cache.IsRevoked(app1));

        var first = new CertificateRevocation(app1, DateTimeOffset.UnixEpoch.AddDays(1), DateTimeOffset.UnixEpoch.AddDays(90));
        Assert.Equal(first, await controlPlane.RevokeAsync(first, ct));
        await Poll.UntilAsync(() => Tick(time, () => cache.IsRevoked(app1)), TimeSpan.FromSeconds(60), "the revocation in the broker's cache");
        Assert.False(cache.IsRevoked(sameSerialOtherCa));
        await Poll.UntilAsync(() => !announced.IsEmpty, TimeSpan.FromSeconds(10), "the revocation announced");
        Assert.Equal([app1], Assert.Single(announced));

        var version = await broker.GetVersionAsync(ct);
        var again = await controlPlane.RevokeAsync(first with { RevokedAt = DateTimeOffset.UnixEpoch.AddDays(2) }, ct);
        Assert.Equal(first.RevokedAt, again.RevokedAt);
        Assert.Equal(version, await broker.GetVersionAsync(ct));
        var (all, _) = await broker.LoadAsync(ct);
        Assert.Equal([first], all);
    }

    [Theory]
    [InlineData("4a:0b", "4A0B")]
    [InlineData("00 4A 0B", "4A0B")]
    [InlineData("0", "0")]
    [InlineData("000", "0")]
    public void SerialNumbersHaveOneSpelling(string given, string normalized) => Assert.Equal(normalized, CertificateIdentity.NormalizeSerial(given));

    [Theory]
    [InlineData("")]
    [InlineData("4G")]
    [InlineData("-1")]
    [InlineData("0x4A")]
    public void WhatIsNotHexIsNoSerialNumber(string given) => Assert.Null(CertificateIdentity.NormalizeSerial(given));

    private static bool Tick(FakeTimeProvider time, Func<bool> condition)
    {
        if (condition())
            return true;
        time.Advance(PollInterval);
        return false;
    }
}
