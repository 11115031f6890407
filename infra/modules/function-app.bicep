// The control plane: an isolated-worker Functions app on Flex Consumption. Flex takes the runtime from
// functionAppConfig, so FUNCTIONS_WORKER_RUNTIME, FUNCTIONS_EXTENSION_VERSION, WEBSITE_RUN_FROM_PACKAGE and
// linuxFxVersion must not be set here. Host storage and the deployment container use the app's identity.
param location string
param tags object
param planName string
param name string
param identityId string
param identityClientId string
param storageBlobEndpoint string
param storageTableEndpoint string
param storageQueueEndpoint string
param deploymentContainerName string
param bootstrapServers string
@description('The vault of the CA\'s signing key (secret fjord-ca-signing: key and certificate), which only the control plane reads.')
param caKeyVaultUri string
@description('The vault of the brokers\' keystores (secrets broker-<i>-keystore), which the certificate reconciler renews.')
param brokerKeyVaultUri string
param applicationInsightsConnectionString string
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 40
@allowed([512, 2048, 4096])
param instanceMemoryMB int = 2048

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    tier: 'FlexConsumption'
    name: 'FC1'
  }
  properties: {
    reserved: true
  }
}

resource site 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': 'functions' })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identityId}': {} }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      appSettings: [
        { name: 'AzureWebJobsStorage__credential', value: 'managedidentity' }
        { name: 'AzureWebJobsStorage__clientId', value: identityClientId }
        { name: 'AzureWebJobsStorage__blobServiceUri', value: storageBlobEndpoint }
        { name: 'AzureWebJobsStorage__queueServiceUri', value: storageQueueEndpoint }
        { name: 'AzureWebJobsStorage__tableServiceUri', value: storageTableEndpoint }
        { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: applicationInsightsConnectionString }
        // ControlPlaneSettings: the Table endpoint, reached with DefaultAzureCredential.
        { name: 'FJORD_TABLE_ENDPOINT', value: storageTableEndpoint }
        // DefaultAzureCredential picks the user-assigned identity by this client id.
        { name: 'AZURE_CLIENT_ID', value: identityClientId }
        // ClusterFunctions: what GET /v1/cluster tells clients.
        { name: 'FJORD_BOOTSTRAP_SERVERS', value: bootstrapServers }
        // CertificateServiceCollectionExtensions: the CA (key and certificate) the control plane signs with; the postprovision hook writes it.
        { name: 'FJORD_CA_KEYVAULT_URL', value: caKeyVaultUri }
        { name: 'FJORD_CA_KEYVAULT_SECRET', value: 'fjord-ca-signing' }
        { name: 'FJORD_BROKER_KEYSTORE_VAULT_URL', value: brokerKeyVaultUri }
      ]
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storageBlobEndpoint}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      // .NET 10 is a GA isolated-worker version (learn.microsoft.com azure-functions/supported-languages).
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
  }
}

output name string = site.name
output uri string = 'https://${site.properties.defaultHostName}'
