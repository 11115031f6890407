// One identity per workload, so each gets only the roles its own code needs.
param location string
param tags object
param controlPlaneIdentityName string
param brokerIdentityName string

resource controlPlane 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: controlPlaneIdentityName
  location: location
  tags: tags
}

resource broker 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: brokerIdentityName
  location: location
  tags: tags
}

output controlPlaneId string = controlPlane.id
output controlPlaneClientId string = controlPlane.properties.clientId
output controlPlanePrincipalId string = controlPlane.properties.principalId
output brokerId string = broker.id
output brokerClientId string = broker.properties.clientId
output brokerPrincipalId string = broker.properties.principalId
