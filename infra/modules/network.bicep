// Container Apps offers external TCP ingress (the Kafka protocol) only to environments on a VNet of their own.
param location string
param tags object
param name string
param addressPrefix string = '10.40.0.0/16'
@description('The environment\'s subnet; a workload-profiles environment needs at least a /27.')
param infrastructureSubnetPrefix string = '10.40.0.0/23'

resource vnet 'Microsoft.Network/virtualNetworks@2024-05-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    addressSpace: { addressPrefixes: [addressPrefix] }
    subnets: [
      {
        name: 'container-apps'
        properties: {
          addressPrefix: infrastructureSubnetPrefix
          delegations: [
            {
              name: 'container-apps'
              properties: { serviceName: 'Microsoft.App/environments' }
            }
          ]
        }
      }
    ]
  }
}

output infrastructureSubnetId string = vnet.properties.subnets[0].id
