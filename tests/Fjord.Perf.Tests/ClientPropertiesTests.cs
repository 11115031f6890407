using Confluent.Kafka;
using Fjord.Perf.Cli;
using Fjord.Perf.Cluster;

namespace Fjord.Perf.Tests;

public sealed class ClientPropertiesTests
{
    [Fact]
    public void APropertiesFileReachesTheClientConfigInLibrdkafkaNames()
    {
        var properties = ClientProperties.Parse(
        [
            "# SASL_SSL as admin",
            "security.protocol=SASL_SSL",
            "sasl.mechanism = SCRAM-SHA-512",
            "",
            "! another comment",
            "sasl.username=admin",
            "sasl.password=a=b:c",
            "ssl.ca.location: /tmp/ca.pem",
        ]);

        var config = properties.ApplyTo(new ProducerConfig { BootstrapServers = "127.0.0.1:9093" });

        // As written: librdkafka takes them in any case (Confluent's typed getters only parse its own lower case).
        Assert.Equal("SASL_SSL", config.Get("security.protocol"));
        Assert.Equal("SCRAM-SHA-512", config.Get("sasl.mechanism"));
        Assert.Equal("admin", config.SaslUsername);
        Assert.Equal("a=b:c", config.SaslPassword);
        Assert.Equal("/tmp/ca.pem", config.SslCaLocation);
        Assert.Equal("127.0.0.1:9093", config.BootstrapServers);
    }

    [Fact]
    public void CommandConfigIsReadFromTheCommandLineAndConsumed()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "security.protocol=SASL_PLAINTEXT\nsasl.mechanism=PLAIN\n");
            var args = new ArgumentReader(["--producer.config", path]);

            var properties = ClientProperties.Read(args);

            args.EnsureAllConsumed();
            Assert.Equal("SASL_PLAINTEXT", properties.Values["security.protocol"]);
            Assert.Equal("PLAIN", properties.Values["sasl.mechanism"]);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void WithoutAnOptionNothingIsApplied()
    {
        var properties = ClientProperties.Read(new ArgumentReader([]));

        Assert.Empty(properties.Values);
    }

    [Fact]
    public void TwoConfigOptionsOrALineWithoutAKeyAreUsageErrors()
    {
        Assert.Throws<UsageException>(() => ClientProperties.Read(new ArgumentReader(["--command-config", "a", "--consumer.config", "b"])));
        Assert.Throws<UsageException>(() => ClientProperties.Read(new ArgumentReader(["--command-config", "/nonexistent/fjord.properties"])));
        Assert.Throws<UsageException>(() => ClientProperties.Parse(["security.protocol"]));
    }
}
