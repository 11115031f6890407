using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Fjord.Infra.Tests;

/// <summary>The shape of main.bicep rendered to ARM JSON: what azd needs and what the security model promises.</summary>
[Collection(InfraCollection.Name)]
public sealed partial class ArmTemplateTests(InfraBuild build)
{
    // Built-in role definitions (learn.microsoft.com, "Azure built-in roles"): the only ones Fjord grants.
    private static readonly Dictionary<string, string> AllowedRoles = new(StringComparer.OrdinalIgnoreCase)
    {
        ["0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3"] = "Storage Table Data Contributor",
        ["ba92f5b4-2d11-453d-a403-e96b0029c9fe"] = "Storage Blob Data Contributor",
        ["4633458b-17de-408a-b874-0445c86b69e6"] = "Key Vault Secrets User",
        ["12338af0-0e69-4776-bea7-57ae8d297424"] = "Key Vault Crypto User",
        ["a4417e6f-fecd-4de8-b567-7b0420556985"] = "Key Vault Certificates Officer",
        ["b86a8fe4-44ce-4948-aee5-eccb2c155cd7"] = "Key Vault Secrets Officer",
        ["7f951dda-4ed3-4680-a7ca-43fe172d538d"] = "AcrPull",
    };

    private JsonObject Template => build.MainTemplate;

    private IEnumerable<ArmResource> Resources => ArmResource.All(Template);

    private IEnumerable<ArmResource> OfType(string type) => Resources.Where(r => r.Type == type);

    [Fact]
    public void TheTemplateDeploysAtSubscriptionScopeIntoOneTaggedResourceGroup()
    {
        Assert.Contains("subscriptionDeploymentTemplate", (string)Template["$schema"]!, StringComparison.Ordinal);
        Assert.Equal("[parameters('environmentName')]", (string?)Template["variables"]!["tags"]!["azd-env-name"]);
        var group = Assert.Single(OfType("Microsoft.Resources/resourceGroups"));
        Assert.Equal("[variables('tags')]", group.Resource["tags"]!.ToString());
    }

    [Fact]
    public void EveryTaggableResourceCarriesTheAzdEnvironmentTag()
    {
        foreach (var module in ArmResource.Modules(Template))
        {
            var tags = module["properties"]!["parameters"]!["tags"]?["value"]?.ToString();
            Assert.True(tags is not null && tags.Contains("variables('tags')", StringComparison.Ordinal), $"module {module["name"]} is not given main's tags");
        }
        var checkedCount = 0;
        foreach (var resource in Resources.Where(Taggable))
        {
            var tags = resource.Resource["tags"]?.ToString();
            var expected = resource.Module is null ? "variables('tags')" : "parameters('tags')";
            Assert.True(tags is not null && tags.Contains(expected, StringComparison.Ordinal), $"{resource.Type} in {resource.ModuleName} has tags {tags ?? "none"}");
            checkedCount++;
        }
        Assert.True(checkedCount >= 12, $"only {checkedCount} taggable resources found");
    }

    [Fact]
    public void TheStorageAccountRefusesSharedKeysAndPublicBlobs()
    {
        var account = Assert.Single(OfType("Microsoft.Storage/storageAccounts")).Properties!;
        Assert.False((bool)account["allowSharedKeyAccess"]!);
        Assert.False((bool)account["allowBlobPublicAccess"]!);
        Assert.Equal("TLS1_2", (string?)account["minimumTlsVersion"]);
        Assert.True((bool)account["supportsHttpsTrafficOnly"]!);
        Assert.All(OfType("Microsoft.Storage/storageAccounts/blobServices/containers"),
            c => Assert.Equal("None", (string?)c.Properties!["publicAccess"]));
        var tierContainer = OfType("Microsoft.Storage/storageAccounts/blobServices/containers")
            .Select(c => c.Resource["name"]!.ToString()).Single(n => n.Contains("tierContainerName", StringComparison.Ordinal));
        Assert.NotNull(tierContainer);
        Assert.Equal("fjord-tiered", (string?)Template["variables"]!["tierContainerName"]);
    }

    [Fact]
    public void EveryRoleAssignmentIsABuiltInRoleScopedToOneResource()
    {
        var assignments = OfType("Microsoft.Authorization/roleAssignments").ToList();
        Assert.True(assignments.Count >= 8, $"only {assignments.Count} role assignments");
        foreach (var assignment in assignments)
        {
            Assert.NotNull(assignment.Module);
            var scope = assignment.Resource["scope"]?.ToString();
            // resourceId('<provider>/<type>', name): one resource, never the group or the subscription.
            Assert.True(scope is not null && OneResourceScope().IsMatch(scope), $"role assignment in {assignment.ModuleName} has scope {scope ?? "(the deployment's group)"}");
            var role = assignment.Properties!["roleDefinitionId"]!.ToString();
            var reference = RoleReference().Match(role);
            Assert.True(reference.Success, $"role {role} in {assignment.ModuleName} is not a built-in role definition id");
            var variable = assignment.ModuleVariable(reference.Groups[1].Value);
            var guid = reference.Groups[2].Success ? variable?[reference.Groups[2].Value]?.ToString() : variable?.ToString();
            Assert.True(guid is not null && AllowedRoles.ContainsKey(guid), $"role {role} ({guid}) in {assignment.ModuleName} is not one Fjord grants");
        }
        Assert.DoesNotContain(Resources, r => r.Type == "Microsoft.Authorization/roleAssignments" && r.Module is null);
        Assert.Contains(assignments, a => a.Resource["scope"]!.ToString().Contains("Microsoft.ContainerRegistry/registries", StringComparison.Ordinal));
    }

    [Fact]
    public void EachBrokerIsOneContainerAppWithItsOwnTcpPortAndExactlyOneReplica()
    {
        var broker = Assert.Single(OfType("Microsoft.App/containerApps"));
        Assert.NotNull(broker.Module!["copy"]);
        // Distinct exposed ports: broker i gets brokerBasePort + i.
        Assert.Equal("[add(parameters('brokerBasePort'), range(0, parameters('brokerCount'))[copyIndex()])]", broker.ModuleParameter("port"));
        var configuration = broker.Properties!["configuration"]!;
        var ingress = configuration["ingress"]!;
        Assert.Equal("tcp", (string?)ingress["transport"]);
        Assert.True((bool)ingress["external"]!);
        Assert.Equal("[parameters('port')]", ingress["exposedPort"]!.ToString());
        Assert.Equal("[parameters('port')]", ingress["targetPort"]!.ToString());
        var scale = broker.Properties["template"]!["scale"]!;
        Assert.Equal(1, (int)scale["minReplicas"]!);
        Assert.Equal(1, (int)scale["maxReplicas"]!);
        Assert.Contains("azd-service-name', format('broker-{0}'", broker.ModuleParameter("tags"), StringComparison.Ordinal);
        Assert.Equal("[concat(createArray(createObject('name', 'log', 'storageType', 'EmptyDir')), variables('tlsVolumes'))]", broker.Properties["template"]!["volumes"]!.ToString());
        Assert.Equal("[concat(variables('brokerEnv'), variables('rackEnv'), variables('tlsEnv'))]", broker.Properties["template"]!["containers"]![0]!["env"]!.ToString());
        Assert.Contains("FJORD_BROKER_RACK", broker.ModuleVariable("rackEnv")!.ToString(), StringComparison.Ordinal);
        var env = broker.ModuleVariable("brokerEnv")!.ToString();
        foreach (var setting in new[] { "FJORD_NODE_ID", "FJORD_LISTENERS", "FJORD_ADVERTISED_LISTENERS", "FJORD_LOG_DIRS", "FJORD_FJORD_ADMIN_LISTENER", "AZURE_CLIENT_ID" })
            Assert.Contains(setting, env, StringComparison.Ordinal);
        // The advertised listener is the app's own FQDN and exposed port, so a client reaches this broker.
        var brokerModuleText = build.Compiled("modules/broker.bicep")!;
        var brokerModule = JsonNode.Parse(brokerModuleText)!;
        Assert.Equal("[format('{0}.{1}', parameters('name'), parameters('environmentDefaultDomain'))]", brokerModule["variables"]!["fqdn"]!.ToString());
        Assert.Contains("format('BROKER://{0}:{1}', variables('fqdn'), parameters('port'))", brokerModuleText, StringComparison.Ordinal);
        Assert.Contains("BROKER:SASL_SSL", brokerModuleText, StringComparison.Ordinal);
        // broker.rack = zone 1, 2, 3, 1, … when zone redundant.
        Assert.Equal("[if(parameters('zoneRedundant'), createObject('value', string(add(mod(range(0, parameters('brokerCount'))[copyIndex()], 3), 1))), createObject('value', ''))]", broker.ModuleParameter("rack"));
    }

    [Fact]
    public void TheBrokersRunOnADedicatedProfileInAVnetEnvironment()
    {
        var environment = Assert.Single(OfType("Microsoft.App/managedEnvironments")).Properties!;
        Assert.False((bool)environment["vnetConfiguration"]!["internal"]!);
        Assert.NotNull(environment["vnetConfiguration"]!["infrastructureSubnetId"]);
        Assert.Contains(environment["workloadProfiles"]!.AsArray(), p => (string?)p!["workloadProfileType"] != "Consumption");
        var broker = Assert.Single(OfType("Microsoft.App/containerApps"));
        Assert.Contains("brokerWorkloadProfileName", broker.ModuleParameter("workloadProfileName"), StringComparison.Ordinal);
    }

    [Fact]
    public void TheFunctionsAppUsesItsIdentityForStorageOnFlexConsumption()
    {
        var plan = Assert.Single(OfType("Microsoft.Web/serverfarms")).Resource;
        Assert.Equal("FC1", (string?)plan["sku"]!["name"]);
        var site = Assert.Single(OfType("Microsoft.Web/sites"));
        Assert.Contains("'azd-service-name', 'functions'", site.Resource["tags"]!.ToString(), StringComparison.Ordinal);
        var config = site.Properties!["functionAppConfig"]!;
        Assert.Equal("dotnet-isolated", (string?)config["runtime"]!["name"]);
        Assert.Equal("10.0", (string?)config["runtime"]!["version"]);
        Assert.Equal("blobContainer", (string?)config["deployment"]!["storage"]!["type"]);
        Assert.Equal("UserAssignedIdentity", (string?)config["deployment"]!["storage"]!["authentication"]!["type"]);

        var siteConfig = site.Properties["siteConfig"]!;
        Assert.Null(siteConfig["connectionStrings"]);
        Assert.Null(siteConfig["linuxFxVersion"]);
        var settings = siteConfig["appSettings"]!.AsArray().ToDictionary(s => (string)s!["name"]!, s => s!["value"]!.ToString());
        Assert.Equal("managedidentity", settings["AzureWebJobsStorage__credential"]);
        foreach (var name in new[] { "AzureWebJobsStorage__clientId", "AzureWebJobsStorage__blobServiceUri", "AzureWebJobsStorage__tableServiceUri", "FJORD_TABLE_ENDPOINT", "AZURE_CLIENT_ID", "FJORD_BOOTSTRAP_SERVERS" })
            Assert.True(settings.ContainsKey(name), $"app setting {name} missing");
        // Flex Consumption rejects these, and a connection string would bring shared keys back.
        foreach (var name in new[] { "AzureWebJobsStorage", "FUNCTIONS_WORKER_RUNTIME", "FUNCTIONS_EXTENSION_VERSION", "WEBSITE_RUN_FROM_PACKAGE", "WEBSITE_CONTENTSHARE", "WEBSITE_CONTENTAZUREFILECONNECTIONSTRING", "FJORD_TABLE_CONNECTION" })
            Assert.False(settings.ContainsKey(name), $"app setting {name} must not be set");
        Assert.DoesNotContain(settings.Values, v => v.Contains("AccountKey", StringComparison.OrdinalIgnoreCase) || v.Contains("listKeys", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void TheRegistryHasNoAdminUserAndTheVaultsUseRbacWithPurgeProtection()
    {
        Assert.False((bool)Assert.Single(OfType("Microsoft.ContainerRegistry/registries")).Properties!["adminUserEnabled"]!);
        var vaults = OfType("Microsoft.KeyVault/vaults").ToList();
        Assert.Equal(2, vaults.Count);
        foreach (var vault in vaults.Select(v => v.Properties!))
        {
            Assert.True((bool)vault["enableRbacAuthorization"]!);
            Assert.True((bool)vault["enablePurgeProtection"]!);
        }
    }

    [Fact]
    public void OnlyTheControlPlaneReadsTheVaultOfTheCaKeyAndOnlyTheBrokersReadTheirs()
    {
        // A broker broken into must not be able to sign certificates: the CA's key is in a vault it has no role on.
        var modules = ArmResource.Modules(Template).ToDictionary(m => (string)m["name"]!);
        string Readers(string module) => Assert.Single(modules[module]["properties"]!["parameters"]!["readerPrincipalIds"]!["value"]!.AsArray())!.ToString();
        Assert.Contains("'identities'", Readers("ca-keyvault"), StringComparison.Ordinal);
        Assert.EndsWith(".outputs.controlPlanePrincipalId.value]", Readers("ca-keyvault"), StringComparison.Ordinal);
        Assert.EndsWith(".outputs.brokerPrincipalId.value]", Readers("keyvault"), StringComparison.Ordinal);
        // The control plane writes new versions of the brokers' keystores (the certificate reconciler), nothing else there.
        var writers = modules["keyvault"]["properties"]!["parameters"]!["writerPrincipalIds"]!["value"]!.AsArray();
        Assert.EndsWith(".outputs.controlPlanePrincipalId.value]", Assert.Single(writers)!.ToString(), StringComparison.Ordinal);
        Assert.Null(modules["ca-keyvault"]["properties"]!["parameters"]!["writerPrincipalIds"]);
        Assert.Contains("ca-keyvault", modules["function-app"]["properties"]!["parameters"]!["caKeyVaultUri"]!["value"]!.ToString(), StringComparison.Ordinal);
        var functionSettings = modules["function-app"].ToJsonString();
        Assert.Contains("FJORD_CA_KEYVAULT_URL", functionSettings, StringComparison.Ordinal);
    }

    [Fact]
    public void TheOutputsAzdNeedsAreThereInUpperSnakeCase()
    {
        var outputs = Template["outputs"]!.AsObject();
        foreach (var name in new[] { "AZURE_CONTAINER_REGISTRY_ENDPOINT", "AZURE_RESOURCE_GROUP", "AZURE_LOCATION", "AZURE_KEY_VAULT_NAME", "SERVICE_FUNCTIONS_NAME", "SERVICE_BROKER_NAMES", "FJORD_BOOTSTRAP_SERVERS", "FJORD_CONTROL_PLANE_URL", "FJORD_BROKER_COUNT" })
            Assert.True(outputs.ContainsKey(name), $"output {name} missing");
        Assert.All(outputs.Select(o => o.Key), name => Assert.Matches(UpperSnake(), name));
    }

    [Fact]
    public void TheParametersFileGivesAzdsEnvironmentAndTheExistsPattern()
    {
        var parameters = JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Infra, "main.parameters.json")))!["parameters"]!.AsObject();
        Assert.Equal("${AZURE_ENV_NAME}", (string?)parameters["environmentName"]!["value"]);
        Assert.Equal("${AZURE_LOCATION}", (string?)parameters["location"]!["value"]);
        Assert.Equal("${SERVICE_BROKER_0_RESOURCE_EXISTS=false}", (string?)parameters["brokerExists"]!["value"]);
        var declared = Template["parameters"]!.AsObject();
        Assert.All(parameters.Select(p => p.Key), name => Assert.True(declared.ContainsKey(name), $"main.bicep has no parameter {name}"));
    }

    private static bool Taggable(ArmResource resource)
    {
        // Child resources (blobServices, containers, tableServices) and role assignments take no tags.
        if (resource.Type.StartsWith("Microsoft.Authorization/", StringComparison.Ordinal)) return false;
        return resource.Type.Split('/').Length == 2;
    }

    [GeneratedRegex(@"^\[resourceId\('Microsoft\.[A-Za-z]+/[A-Za-z]+', parameters\('name'\)\)\]$")]
    private static partial Regex OneResourceScope();

    // subscriptionResourceId('Microsoft.Authorization/roleDefinitions', variables('roles').x) or variables('acrPull').
    [GeneratedRegex(@"^\[subscriptionResourceId\('Microsoft\.Authorization/roleDefinitions', variables\('(\w+)'\)(?:\.(\w+))?\)\]$")]
    private static partial Regex RoleReference();

    [GeneratedRegex("^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$")]
    private static partial Regex UpperSnake();
}
