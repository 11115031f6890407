// Where azd pushes the broker image. No admin user: the brokers pull with their identity.
param location string
param tags object
param name string
param brokerIdentityName string

var acrPull = '7f951dda-4ed3-4680-a7ca-43fe172d538d'

resource brokerIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' existing = {
  name: brokerIdentityName
}

resource registry 'Microsoft.ContainerRegistry/registries@2023-07-01' = {
  name: name
  location: location
  tags: tags
  sku: { name: 'Standard' }
  properties: {
    adminUserEnabled: false
    publicNetworkAccess: 'Enabled'
  }
}

resource brokerPull 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(registry.id, brokerIdentity.id, acrPull)
  scope: registry
  properties: {
    principalId: brokerIdentity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', acrPull)
  }
}

output name string = registry.name
output loginServer string = registry.properties.loginServer
