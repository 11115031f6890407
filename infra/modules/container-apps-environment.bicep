// The brokers' environment: a dedicated workload profile, so a broker keeps its CPU and its node's disk to itself
// rather than sharing the consumption pool.
param location string
param tags object
param name string
param infrastructureSubnetId string
param logAnalyticsName string
@description('Spread the environment\'s nodes over the region\'s availability zones.')
param zoneRedundant bool
@description('Dedicated workload profile type of the broker nodes, e.g. D4 (4 vCPU, 16 GiB).')
param brokerWorkloadProfileType string
param brokerNodeCount int

resource logAnalytics 'Microsoft.OperationalInsights/workspaces@2023-09-01' existing = {
  name: logAnalyticsName
}

resource environment 'Microsoft.App/managedEnvironments@2024-03-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    zoneRedundant: zoneRedundant
    vnetConfiguration: {
      infrastructureSubnetId: infrastructureSubnetId
      internal: false
    }
    workloadProfiles: [
      {
        name: 'Consumption'
        workloadProfileType: 'Consumption'
      }
      {
        name: 'brokers'
        workloadProfileType: brokerWorkloadProfileType
        minimumCount: brokerNodeCount
        maximumCount: brokerNodeCount
      }
    ]
    appLogsConfiguration: {
      destination: 'log-analytics'
      logAnalyticsConfiguration: {
        customerId: logAnalytics.properties.customerId
        sharedKey: logAnalytics.listKeys().primarySharedKey
      }
    }
  }
}

output id string = environment.id
output name string = environment.name
output defaultDomain string = environment.properties.defaultDomain
output brokerWorkloadProfileName string = 'brokers'
