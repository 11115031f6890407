// Fjord on Azure, provisioned by `azd up`: a storage account (Table metadata, Blob tier), the control plane as a
// Flex Consumption Functions app, one container app per broker in a VNet environment, Key Vault for the cluster
// CA and broker certificates, a registry for the broker image, and Log Analytics + Application Insights.
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('azd environment name; names and tags every resource.')
param environmentName string

@minLength(1)
@description('Region of every resource.')
param location string

@description('The deploying user or CI principal (azd sets AZURE_PRINCIPAL_ID): may seed the CA, broker certificates and first operator key.')
param principalId string = ''

@allowed(['User', 'ServicePrincipal'])
param principalType string = 'User'

@minValue(1)
@maxValue(9)
@description('Brokers, one container app each. azure.yaml lists one service per broker: change both together.')
param brokerCount int = 3

@description('vCPUs per broker (a string, as Container Apps takes fractions).')
param brokerCpu string = '2.0'

@description('Memory per broker.')
param brokerMemory string = '8Gi'

@description('Dedicated workload profile type of the broker nodes (D4: 4 vCPU, 16 GiB).')
param brokerWorkloadProfileType string = 'D4'

@description('First broker\'s Kafka port; broker i listens and is exposed on brokerBasePort + i.')
param brokerBasePort int = 9093

@description('Spread brokers over availability zones 1-3 (broker.rack = zone) and make the environment zone redundant.')
param zoneRedundant bool = true

@description('Whether azd has deployed the broker image before (the exists pattern): keeps it across re-provisioning.')
param brokerExists bool = false

@description('Set by the postprovision hook once the CA and broker keys are in Key Vault; the brokers then mount them.')
param brokerTlsSecretsExist bool = false

var abbrs = loadJsonContent('abbreviations.json')
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = { 'azd-env-name': environmentName }
var brokerAdminPort = 8080
var tierContainerName = 'fjord-tiered'
var deploymentContainerName = 'app-package-${resourceToken}'
var functionAppName = '${abbrs.webSitesFunctions}${resourceToken}'
var controlPlaneIdentityName = '${abbrs.managedIdentityUserAssignedIdentities}control-plane-${resourceToken}'
var brokerIdentityName = '${abbrs.managedIdentityUserAssignedIdentities}broker-${resourceToken}'
var logAnalyticsName = '${abbrs.operationalInsightsWorkspaces}${resourceToken}'
var brokerNames = [for i in range(0, brokerCount): '${abbrs.appContainerApps}broker-${i}-${resourceToken}']
// azd's placeholder until the first `azd deploy` of the broker image.
var placeholderImage = 'mcr.microsoft.com/azuredocs/containerapps-helloworld:latest'

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: '${abbrs.resourcesResourceGroups}${environmentName}'
  location: location
  tags: tags
}

// Every broker runs the image azd last deployed; broker 0 always exists once any does, including after a
// scale-up that adds brokers not yet deployed to.
resource deployedBroker 'Microsoft.App/containerApps@2024-03-01' existing = if (brokerExists) {
  scope: rg
  name: brokerNames[0]
}

module identities 'modules/identities.bicep' = {
  name: 'identities'
  scope: rg
  params: {
    location: location
    tags: tags
    controlPlaneIdentityName: controlPlaneIdentityName
    brokerIdentityName: brokerIdentityName
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    location: location
    tags: tags
    logAnalyticsName: logAnalyticsName
    applicationInsightsName: '${abbrs.insightsComponents}${resourceToken}'
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    location: location
    tags: tags
    name: '${abbrs.storageStorageAccounts}${resourceToken}'
    tierContainerName: tierContainerName
    deploymentContainerName: deploymentContainerName
    controlPlaneIdentityName: controlPlaneIdentityName
    brokerIdentityName: brokerIdentityName
    deployerPrincipalId: principalId
    deployerPrincipalType: principalType
  }
  // Role assignments there find the identities by name, so ARM must create them first.
  dependsOn: [identities]
}

module keyVault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  scope: rg
  params: {
    location: location
    tags: tags
    name: '${abbrs.keyVaultVaults}${resourceToken}'
    readerPrincipalIds: [identities.outputs.brokerPrincipalId]
    // The control plane's certificate reconciler renews the brokers' keystores (new secret versions).
    writerPrincipalIds: [identities.outputs.controlPlanePrincipalId]
    deployerPrincipalId: principalId
    deployerPrincipalType: principalType
  }
}

// The CA's signing key, apart from everything a broker may read.
module caKeyVault 'modules/keyvault.bicep' = {
  name: 'ca-keyvault'
  scope: rg
  params: {
    location: location
    tags: tags
    name: '${abbrs.keyVaultVaults}ca-${resourceToken}'
    readerPrincipalIds: [identities.outputs.controlPlanePrincipalId]
    deployerPrincipalId: principalId
    deployerPrincipalType: principalType
  }
}

module registry 'modules/registry.bicep' = {
  name: 'registry'
  scope: rg
  params: {
    location: location
    tags: tags
    name: '${abbrs.containerRegistryRegistries}${resourceToken}'
    brokerIdentityName: brokerIdentityName
  }
  // Role assignments there find the identities by name, so ARM must create them first.
  dependsOn: [identities]
}

module network 'modules/network.bicep' = {
  name: 'network'
  scope: rg
  params: {
    location: location
    tags: tags
    name: '${abbrs.networkVirtualNetworks}${resourceToken}'
  }
}

module containerAppsEnvironment 'modules/container-apps-environment.bicep' = {
  name: 'container-apps-environment'
  scope: rg
  params: {
    location: location
    tags: tags
    name: '${abbrs.appManagedEnvironments}${resourceToken}'
    infrastructureSubnetId: network.outputs.infrastructureSubnetId
    logAnalyticsName: logAnalyticsName
    zoneRedundant: zoneRedundant
    brokerWorkloadProfileType: brokerWorkloadProfileType
    brokerNodeCount: brokerCount
  }
  dependsOn: [monitoring]
}

module brokers 'modules/broker.bicep' = [
  for i in range(0, brokerCount): {
    name: 'broker-${i}'
    scope: rg
    params: {
      location: location
      tags: union(tags, { 'azd-service-name': 'broker-${i}' })
      name: brokerNames[i]
      nodeId: i
      environmentId: containerAppsEnvironment.outputs.id
      environmentDefaultDomain: containerAppsEnvironment.outputs.defaultDomain
      workloadProfileName: containerAppsEnvironment.outputs.brokerWorkloadProfileName
      image: brokerExists ? deployedBroker!.properties.template.containers[0].image : placeholderImage
      imageIsFjord: brokerExists
      identityId: identities.outputs.brokerId
      identityClientId: identities.outputs.brokerClientId
      registryLoginServer: registry.outputs.loginServer
      port: brokerBasePort + i
      adminPort: brokerAdminPort
      cpu: brokerCpu
      memory: brokerMemory
      rack: zoneRedundant ? string(i % 3 + 1) : ''
      tableEndpoint: storage.outputs.tableEndpoint
      blobEndpoint: storage.outputs.blobEndpoint
      tierContainerName: storage.outputs.tierContainerName
      keyVaultUri: keyVault.outputs.uri
      tlsSecretsExist: brokerTlsSecretsExist
      defaultReplicationFactor: min(3, brokerCount)
      minInsyncReplicas: brokerCount >= 3 ? 2 : 1
      applicationInsightsConnectionString: monitoring.outputs.applicationInsightsConnectionString
    }
  }
]

var bootstrapServers = join(
  map(range(0, brokerCount), i => '${brokerNames[i]}.${containerAppsEnvironment.outputs.defaultDomain}:${brokerBasePort + i}'),
  ','
)

module functionApp 'modules/function-app.bicep' = {
  name: 'function-app'
  scope: rg
  params: {
    location: location
    tags: tags
    planName: '${abbrs.webServerFarms}${resourceToken}'
    name: functionAppName
    identityId: identities.outputs.controlPlaneId
    identityClientId: identities.outputs.controlPlaneClientId
    storageBlobEndpoint: storage.outputs.blobEndpoint
    storageTableEndpoint: storage.outputs.tableEndpoint
    storageQueueEndpoint: storage.outputs.queueEndpoint
    deploymentContainerName: storage.outputs.deploymentContainerName
    bootstrapServers: bootstrapServers
    caKeyVaultUri: caKeyVault.outputs.uri
    brokerKeyVaultUri: keyVault.outputs.uri
    applicationInsightsConnectionString: monitoring.outputs.applicationInsightsConnectionString
  }
}

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_CONTAINER_REGISTRY_ENDPOINT string = registry.outputs.loginServer
output AZURE_CONTAINER_REGISTRY_NAME string = registry.outputs.name
output AZURE_CONTAINER_APPS_ENVIRONMENT_NAME string = containerAppsEnvironment.outputs.name
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name
output AZURE_KEY_VAULT_ENDPOINT string = keyVault.outputs.uri
output FJORD_CA_KEY_VAULT_NAME string = caKeyVault.outputs.name
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output AZURE_STORAGE_TABLE_ENDPOINT string = storage.outputs.tableEndpoint
output SERVICE_FUNCTIONS_NAME string = functionApp.outputs.name
output SERVICE_FUNCTIONS_URI string = functionApp.outputs.uri
output SERVICE_BROKER_NAMES array = [for i in range(0, brokerCount): brokers[i].outputs.name]
output SERVICE_BROKER_FQDNS array = [for i in range(0, brokerCount): brokers[i].outputs.fqdn]
output FJORD_BROKER_COUNT int = brokerCount
output FJORD_BOOTSTRAP_SERVERS string = bootstrapServers
output FJORD_CONTROL_PLANE_URL string = functionApp.outputs.uri
