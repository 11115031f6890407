// One broker: its own container app, because a Kafka client must reach the partition leader itself, never a
// load-balanced replica. Configured from the environment only (FJORD_<property> → <property>, see README
// "Broker configuration"); no properties file in the image.
param location string
param tags object
param name string
@minValue(0)
param nodeId int
param environmentId string
param environmentDefaultDomain string
param workloadProfileName string
param image string
@description('False while the image is azd\'s placeholder: probes and TLS apply to the Fjord image only.')
param imageIsFjord bool
param identityId string
param identityClientId string
param registryLoginServer string
@description('The Kafka port: the app\'s target and exposed port, unique in the environment.')
param port int
param adminPort int
param cpu string
param memory string
@description('broker.rack: the availability zone this broker is meant for; empty without zone redundancy.')
param rack string
param tableEndpoint string
param blobEndpoint string
param tierContainerName string
param keyVaultUri string
@description('Whether the postprovision hook has stored the CA and this broker\'s key and chain in Key Vault.')
param tlsSecretsExist bool
param defaultReplicationFactor int
param minInsyncReplicas int
param applicationInsightsConnectionString string

var fqdn = '${name}.${environmentDefaultDomain}'
var logDir = '/var/lib/fjord/logs'
var tlsDir = '/etc/fjord/tls'
var tls = imageIsFjord && tlsSecretsExist

var tlsSecrets = tls
  ? [
      {
        name: 'keystore'
        keyVaultUrl: '${keyVaultUri}secrets/broker-${nodeId}-keystore'
        identity: identityId
      }
      {
        name: 'truststore'
        keyVaultUrl: '${keyVaultUri}secrets/fjord-ca'
        identity: identityId
      }
      {
        name: 'bootstrap-users'
        keyVaultUrl: '${keyVaultUri}secrets/fjord-bootstrap-users'
        identity: identityId
      }
      {
        name: 'inter-broker-jaas'
        keyVaultUrl: '${keyVaultUri}secrets/broker-sasl-jaas'
        identity: identityId
      }
    ]
  : []

var tlsVolumes = tls
  ? [
      {
        name: 'tls'
        storageType: 'Secret'
        secrets: [
          { secretRef: 'keystore', path: 'keystore.pem' }
          { secretRef: 'truststore', path: 'ca.pem' }
          { secretRef: 'bootstrap-users', path: 'bootstrap-users' }
        ]
      }
    ]
  : []

var tlsMounts = tls ? [{ volumeName: 'tls', mountPath: tlsDir }] : []

// The Key Vault secrets are PEM (key + chain; the CA), which the broker's ssl.keystore.type=PEM reads as they are.
// Brokers replicate over the same SASL_SSL listener as SCRAM-SHA-512 user fjord-broker (a super user): the hook
// stores its hashed credential (fjord-bootstrap-users, which the brokers create the user from) and its sasl.jaas.config
// (broker-sasl-jaas) in Key Vault. The listener is named BROKER because a name with '_' (SASL_SSL) cannot be spelled
// in a FJORD_LISTENER_NAME_<NAME>_… variable. Without the secrets (the first provision) the broker would not start, so
// this configuration comes with them.
var tlsEnv = tls
  ? [
      { name: 'FJORD_SSL_KEYSTORE_TYPE', value: 'PEM' }
      { name: 'FJORD_SSL_KEYSTORE_LOCATION', value: '${tlsDir}/keystore.pem' }
      { name: 'FJORD_SSL_TRUSTSTORE_TYPE', value: 'PEM' }
      { name: 'FJORD_SSL_TRUSTSTORE_LOCATION', value: '${tlsDir}/ca.pem' }
      { name: 'FJORD_SASL_ENABLED_MECHANISMS', value: 'SCRAM-SHA-512,SCRAM-SHA-256,PLAIN' }
      { name: 'FJORD_SASL_MECHANISM_INTER_BROKER_PROTOCOL', value: 'SCRAM-SHA-512' }
      { name: 'FJORD_LISTENER_NAME_BROKER_SCRAM__SHA__512_SASL_JAAS_CONFIG', secretRef: 'inter-broker-jaas' }
      { name: 'FJORD_FJORD_SASL_BOOTSTRAP_USERS', value: '${tlsDir}/bootstrap-users' }
      { name: 'FJORD_AUTHORIZER_CLASS_NAME', value: 'org.apache.kafka.metadata.authorizer.StandardAuthorizer' }
      { name: 'FJORD_SUPER_USERS', value: 'User:fjord-broker' }
    ]
  : []

var probes = imageIsFjord
  ? [
      {
        type: 'Startup'
        httpGet: { path: '/health/live', port: adminPort }
        periodSeconds: 5
        failureThreshold: 60
      }
      {
        type: 'Liveness'
        httpGet: { path: '/health/live', port: adminPort }
        periodSeconds: 10
        failureThreshold: 3
      }
      {
        type: 'Readiness'
        httpGet: { path: '/health/ready', port: adminPort }
        periodSeconds: 5
        failureThreshold: 3
      }
    ]
  : []

// Without zones there is no rack: an empty broker.rack would be reported to clients as a rack named "".
var rackEnv = empty(rack) ? [] : [{ name: 'FJORD_BROKER_RACK', value: rack }]

var brokerEnv = [
  { name: 'FJORD_NODE_ID', value: string(nodeId) }
  { name: 'FJORD_LISTENERS', value: 'BROKER://0.0.0.0:${port}' }
  { name: 'FJORD_ADVERTISED_LISTENERS', value: 'BROKER://${fqdn}:${port}' }
  { name: 'FJORD_LISTENER_SECURITY_PROTOCOL_MAP', value: 'BROKER:SASL_SSL' }
  { name: 'FJORD_INTER_BROKER_LISTENER_NAME', value: 'BROKER' }
  { name: 'FJORD_LOG_DIRS', value: logDir }
  { name: 'FJORD_FJORD_ADMIN_LISTENER', value: 'http://0.0.0.0:${adminPort}' }
  { name: 'FJORD_DEFAULT_REPLICATION_FACTOR', value: string(defaultReplicationFactor) }
  { name: 'FJORD_MIN_INSYNC_REPLICAS', value: string(minInsyncReplicas) }
  // Storage by endpoint: the broker authenticates with DefaultAzureCredential (this app's managed identity), no shared key.
  { name: 'FJORD_FJORD_METADATA_TABLE_ENDPOINT', value: tableEndpoint }
  { name: 'FJORD_FJORD_TIERING_TABLE_ENDPOINT', value: tableEndpoint }
  { name: 'FJORD_FJORD_TIERING_BLOB_ENDPOINT', value: blobEndpoint }
  { name: 'FJORD_FJORD_TIERING_CONTAINER', value: tierContainerName }
  // DefaultAzureCredential picks the user-assigned identity by this client id.
  { name: 'AZURE_CLIENT_ID', value: identityClientId }
  { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: applicationInsightsConnectionString }
]

resource app 'Microsoft.App/containerApps@2024-03-01' = {
  name: name
  location: location
  tags: tags
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identityId}': {} }
  }
  properties: {
    environmentId: environmentId
    workloadProfileName: workloadProfileName
    configuration: {
      activeRevisionsMode: 'Single'
      ingress: {
        external: true
        transport: 'tcp'
        targetPort: port
        exposedPort: port
      }
      registries: [
        {
          server: registryLoginServer
          identity: identityId
        }
      ]
      secrets: tlsSecrets
    }
    template: {
      containers: [
        {
          name: 'broker'
          image: image
          resources: {
            cpu: json(cpu)
            memory: memory
          }
          env: concat(brokerEnv, rackEnv, tlsEnv)
          probes: probes
          volumeMounts: concat([{ volumeName: 'log', mountPath: logDir }], tlsMounts)
        }
      ]
      // The hot log lives on the replica's disk; what outlives the replica is replication and the Blob tier.
      volumes: concat([{ name: 'log', storageType: 'EmptyDir' }], tlsVolumes)
      scale: {
        minReplicas: 1
        maxReplicas: 1
      }
    }
  }
}

output name string = app.name
output fqdn string = fqdn
output bootstrapServer string = '${fqdn}:${port}'
