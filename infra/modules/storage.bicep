// The cluster's one storage account: Table for metadata, credentials, ACLs and offsets; Blob for the tier and
// for the Functions app's package and host state. Shared keys are off, so every client signs in with Entra ID.
param location string
param tags object
param name string
@description('Blob container of the tiered log segments (the brokers\' fjord.tiering.container).')
param tierContainerName string
@description('Blob container Flex Consumption deploys the Functions package to.')
param deploymentContainerName string
param controlPlaneIdentityName string
param brokerIdentityName string
@description('The deploying user or CI principal: may seed the first operator key; empty for none.')
param deployerPrincipalId string
@allowed(['User', 'ServicePrincipal'])
param deployerPrincipalType string

var roles = {
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  storageBlobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
}

resource controlPlaneIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' existing = {
  name: controlPlaneIdentityName
}

resource brokerIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' existing = {
  name: brokerIdentityName
}

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: { name: 'Standard_ZRS' }
  properties: {
    accessTier: 'Hot'
    allowSharedKeyAccess: false
    allowBlobPublicAccess: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      bypass: 'AzureServices'
      defaultAction: 'Allow'
    }
  }
}

resource blobs 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: account
  name: 'default'
}

resource tierContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobs
  name: tierContainerName
  properties: { publicAccess: 'None' }
}

resource deploymentContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobs
  name: deploymentContainerName
  properties: { publicAccess: 'None' }
}

resource tables 'Microsoft.Storage/storageAccounts/tableServices@2023-05-01' = {
  parent: account
  name: 'default'
}

// The control plane writes tenants, credentials, ACLs and API keys (Table) and its host keeps its package and
// timer leases in Blob. It never needs queues: no function is queue-triggered.
resource controlPlaneTables 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(account.id, controlPlaneIdentity.id, roles.storageTableDataContributor)
  scope: account
  properties: {
    principalId: controlPlaneIdentity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageTableDataContributor)
  }
}

resource controlPlaneBlobs 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(account.id, controlPlaneIdentity.id, roles.storageBlobDataContributor)
  scope: account
  properties: {
    principalId: controlPlaneIdentity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataContributor)
  }
}

// Brokers own the metadata, offsets and tier manifest tables and the tier's blobs.
resource brokerTables 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(account.id, brokerIdentity.id, roles.storageTableDataContributor)
  scope: account
  properties: {
    principalId: brokerIdentity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageTableDataContributor)
  }
}

resource brokerBlobs 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(account.id, brokerIdentity.id, roles.storageBlobDataContributor)
  scope: account
  properties: {
    principalId: brokerIdentity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataContributor)
  }
}

// Shared keys are off, so the first operator key can only be written by a signed-in principal.
resource deployerTables 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(deployerPrincipalId)) {
  name: guid(account.id, deployerPrincipalId, roles.storageTableDataContributor)
  scope: account
  properties: {
    principalId: deployerPrincipalId
    principalType: deployerPrincipalType
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageTableDataContributor)
  }
}

output name string = account.name
output blobEndpoint string = account.properties.primaryEndpoints.blob
output tableEndpoint string = account.properties.primaryEndpoints.table
output queueEndpoint string = account.properties.primaryEndpoints.queue
output tierContainerName string = tierContainer.name
output deploymentContainerName string = deploymentContainer.name
