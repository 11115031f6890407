// A vault of secrets, read by the identities named here and nothing else. Fjord has two: one the brokers read (their
// keys and certificate chains, the CA certificate, the inter-broker SASL credentials) and one only the control plane
// reads (the CA's signing key), so a broker that is broken into cannot sign certificates. RBAC only (no access
// policies) and purge protection, because a deleted CA would strand every client that trusts it.
param location string
param tags object
param name string
@description('Principal ids of the managed identities given Key Vault Secrets User on this vault (read secrets, nothing else).')
param readerPrincipalIds array
@description('Principal ids of the managed identities given Key Vault Secrets Officer (read and write secrets).')
param writerPrincipalIds array = []
@description('The deploying user or CI principal: the postprovision hook writes the secrets; empty for none.')
param deployerPrincipalId string
@allowed(['User', 'ServicePrincipal'])
param deployerPrincipalType string

var roles = {
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6'
  keyVaultSecretsOfficer: 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7'
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enablePurgeProtection: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    publicNetworkAccess: 'Enabled'
  }
}

resource readerSecrets 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for readerPrincipalId in readerPrincipalIds: {
    name: guid(vault.id, readerPrincipalId, roles.keyVaultSecretsUser)
    scope: vault
    properties: {
      principalId: readerPrincipalId
      principalType: 'ServicePrincipal'
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsUser)
    }
  }
]

resource writerSecrets 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for writerPrincipalId in writerPrincipalIds: {
    name: guid(vault.id, writerPrincipalId, roles.keyVaultSecretsOfficer)
    scope: vault
    properties: {
      principalId: writerPrincipalId
      principalType: 'ServicePrincipal'
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsOfficer)
    }
  }
]

resource deployerSecrets 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(deployerPrincipalId)) {
  name: guid(vault.id, deployerPrincipalId, roles.keyVaultSecretsOfficer)
  scope: vault
  properties: {
    principalId: deployerPrincipalId
    principalType: deployerPrincipalType
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsOfficer)
  }
}

output name string = vault.name
output uri string = vault.properties.vaultUri
