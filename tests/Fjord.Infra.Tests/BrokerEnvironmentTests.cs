using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Fjord.Infra.Tests;

/// <summary>
/// The brokers in Azure are configured by environment alone: every FJORD_* variable the Bicep or the Dockerfile sets
/// must name a property the broker reads, by BrokerConfig's rule (drop FJORD_, lower case, __ → -, _ → .).
/// </summary>
[Collection(InfraCollection.Name)]
public sealed partial class BrokerEnvironmentTests(InfraBuild build)
{
    private static readonly Lazy<string> BrokerSource = new(() => string.Join('\n',
        Directory.GetFiles(Path.Combine(RepositoryPaths.Root, "broker", "src"), "*.cs", SearchOption.AllDirectories).Select(File.ReadAllText)));

    [Fact]
    public void EveryFjordVariableNamesAPropertyTheBrokerReads()
    {
        var names = BicepVariableNames().Concat(DockerfileVariableNames()).Where(n => n.StartsWith("FJORD_", StringComparison.Ordinal)).Distinct().ToList();
        Assert.True(names.Count >= 10, $"only {names.Count} FJORD_ variables found");
        foreach (var name in names)
        {
            var property = ListenerSetting(PropertyOf(name));
            Assert.True(BrokerSource.Value.Contains($"\"{property}\"", StringComparison.Ordinal),
                $"{name} sets {property}, which the broker does not read");
        }
    }

    [Fact]
    public void TheMappingFollowsBrokerConfig()
    {
        Assert.Equal("node.id", PropertyOf("FJORD_NODE_ID"));
        Assert.Equal("fjord.admin.listener", PropertyOf("FJORD_FJORD_ADMIN_LISTENER"));
        Assert.Equal("group.max-size", PropertyOf("FJORD_GROUP_MAX__SIZE"));
    }

    [Fact]
    public void AListenerPrefixedVariableNamesTheSettingAfterItsListenerAndMechanism()
    {
        Assert.Equal("listener.name.broker.scram-sha-512.sasl.jaas.config", PropertyOf("FJORD_LISTENER_NAME_BROKER_SCRAM__SHA__512_SASL_JAAS_CONFIG"));
        Assert.Equal("sasl.jaas.config", ListenerSetting("listener.name.broker.scram-sha-512.sasl.jaas.config"));
        Assert.Equal("ssl.client.auth", ListenerSetting("listener.name.mtls.ssl.client.auth"));
        Assert.Equal("node.id", ListenerSetting("node.id"));
    }

    /// <summary>
    /// Kafka's listener.name.&lt;listener&gt;[.&lt;sasl mechanism&gt;].&lt;setting&gt;: the broker looks these up by building
    /// the name, so the setting alone is what its source spells out.
    /// </summary>
    private static string ListenerSetting(string property)
    {
        if (!property.StartsWith("listener.name.", StringComparison.Ordinal)) return property;
        var rest = property["listener.name.".Length..];
        rest = rest[(rest.IndexOf('.', StringComparison.Ordinal) + 1)..];
        return rest.StartsWith("scram-", StringComparison.Ordinal) || rest.StartsWith("plain.", StringComparison.Ordinal) || rest.StartsWith("oauthbearer.", StringComparison.Ordinal)
            ? rest[(rest.IndexOf('.', StringComparison.Ordinal) + 1)..]
            : rest;
    }

    private static string PropertyOf(string variable) =>
        variable["FJORD_".Length..].ToLowerInvariant().Replace("__", "-", StringComparison.Ordinal).Replace('_', '.');

    private IEnumerable<string> BicepVariableNames()
    {
        var variables = JsonNode.Parse(build.Compiled("modules/broker.bicep")!)!["variables"]!.AsObject();
        return variables.Select(v => v.Value!.ToJsonString()).SelectMany(json => EnvName().Matches(json).Select(m => m.Groups[1].Value));
    }

    private static IEnumerable<string> DockerfileVariableNames() =>
        DockerfileInstruction.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "Dockerfile")))
            .Where(i => i.Keyword == "ENV")
            .SelectMany(i => i.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(assignment => assignment.Split('=')[0]);

    [GeneratedRegex("\"name\":\"([A-Z][A-Z0-9_]*)\"")]
    private static partial Regex EnvName();
}
