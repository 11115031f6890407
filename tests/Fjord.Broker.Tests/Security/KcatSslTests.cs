using System.Globalization;
using Fjord.Broker.Tests.Infrastructure;
using Fjord.Testing;

namespace Fjord.Broker.Tests.Security;

/// <summary>kcat, configured as a user would with a client properties file (<c>kcat -F</c>), produces and consumes over SSL and SASL_SSL.</summary>
[Collection(BrokerCollection.Name)]
public sealed class KcatSslTests(SecureListenersFixture fixture) : IClassFixture<SecureListenersFixture>, IDisposable
{
    private readonly TempDirectory _directory = new("fjord-kcat-ssl");

    public void Dispose() => _directory.Dispose();

    [Fact]
    public Task KcatProducesAndConsumesOverSsl() => RoundTripAsync("kcat-ssl", "SSL",
        $"""
        security.protocol=SSL
        ssl.ca.location={fixture.Security.CaPath}
        """);

    [Fact]
    public Task KcatProducesAndConsumesOverSaslSslWithScram() => RoundTripAsync("kcat-sasl-ssl", "SASL_SSL",
        $"""
        security.protocol=SASL_SSL
        ssl.ca.location={fixture.Security.CaPath}
        sasl.mechanisms=SCRAM-SHA-512
        sasl.username={SecureListenersFixture.User}
        sasl.password={SecureListenersFixture.Password}
        """);

    private async Task RoundTripAsync(string topic, string listener, string properties)
    {
        await fixture.CreateTopicAsync(topic, 1);
        var file = _directory.Combine(topic + ".properties");
        await File.WriteAllTextAsync(file, properties + "\n");
        var bootstrap = fixture.Endpoint(listener);

        var lines = Enumerable.Range(0, 50).Select(i => string.Create(CultureInfo.InvariantCulture, $"{topic}-line-{i}")).ToList();
        var (produceCode, produceOutput) = await Kcat.RunAsync($"-F {file} -b {bootstrap} -P -t {topic} -p 0", string.Join('\n', lines) + "\n");
        Assert.True(produceCode == 0, produceOutput);

        var (consumeCode, consumed) = await Kcat.RunAsync($"-F {file} -b {bootstrap} -C -t {topic} -p 0 -o beginning -e -q");
        Assert.True(consumeCode == 0, consumed);
        // kcat reports on stderr which properties file it read ("% Reading configuration from file …"), even with -q.
        Assert.Equal(lines, consumed.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith("% ", StringComparison.Ordinal)));
        Assert.Contains($"% Reading configuration from file {file}", consumed, StringComparison.Ordinal);
    }
}
