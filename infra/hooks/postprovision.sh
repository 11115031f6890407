#!/bin/sh
# azd postprovision: seeds the cluster CA, each broker's key and certificate chain, and the brokers' own SASL
# credentials into Key Vault (once; what is already there is kept), then prints how to reach the cluster. azd exports
# main.bicep's outputs as environment variables. Needs az (signed in as the deploying principal, which main.bicep made
# a Key Vault Secrets Officer on both vaults) and OpenSSL 3.
set -eu

vault="$AZURE_KEY_VAULT_NAME"      # what the brokers read
ca_vault="$FJORD_CA_KEY_VAULT_NAME" # the CA's signing key: only the control plane reads it
count="$FJORD_BROKER_COUNT"
hooks="$(dirname "$0")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# VAULT NAME [FILE [CONTENT-TYPE]]
has_secret() { az keyvault secret show --vault-name "$1" --name "$2" --query id -o tsv >/dev/null 2>&1; }
put_secret() { az keyvault secret set --vault-name "$1" --name "$2" --file "$3" --encoding utf-8 --content-type "${4:-application/x-pem-file}" -o none; }
get_secret() { az keyvault secret download --vault-name "$1" --name "$2" --file "$3" --encoding utf-8; }

# P-256 keys: quick to make, and Kafka's clients all speak ECDSA. The CA's key lives only in Key Vault; a broker's
# key never leaves it except into the broker that owns it (mounted read-only by its container app).
# Two secrets: fjord-ca in the brokers' vault (the certificate clients and brokers trust) and fjord-ca-signing in the
# CA vault (key then certificate in one PEM: what the control plane's FJORD_CA_KEYVAULT_SECRET names and signs with).
if has_secret "$ca_vault" fjord-ca-signing; then
  get_secret "$ca_vault" fjord-ca-signing "$work/ca.key"
  openssl x509 -in "$work/ca.key" -out "$work/ca.pem"
else
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 3650 -subj "/CN=Fjord cluster CA ${AZURE_ENV_NAME}" \
    -keyout "$work/ca.key" -out "$work/ca.pem" 2>/dev/null
  cat "$work/ca.key" "$work/ca.pem" > "$work/ca-signing.pem"
  put_secret "$ca_vault" fjord-ca-signing "$work/ca-signing.pem"
  echo "Created the cluster CA (its key: secret fjord-ca-signing in Key Vault $ca_vault)."
fi
if ! has_secret "$vault" fjord-ca; then
  put_secret "$vault" fjord-ca "$work/ca.pem"
  echo "Stored the CA certificate for the brokers (secret fjord-ca in Key Vault $vault)."
fi

seeded=false
# The brokers replicate as SCRAM-SHA-512 user fjord-broker, a super user. They read its sasl.jaas.config (password
# inside) and create the user from its hashed credential (fjord.sasl.bootstrap.users) when it is missing.
if ! has_secret "$vault" broker-sasl-jaas; then
  openssl rand -hex 24 > "$work/broker.password"
  sh "$hooks/scram-credential.sh" fjord-broker "$work/broker.password" > "$work/bootstrap-users"
  printf 'org.apache.kafka.common.security.scram.ScramLoginModule required username="fjord-broker" password="%s";' \
    "$(cat "$work/broker.password")" > "$work/jaas"
  put_secret "$vault" fjord-bootstrap-users "$work/bootstrap-users" text/plain
  put_secret "$vault" broker-sasl-jaas "$work/jaas" text/plain
  echo "Created the brokers' own SASL credentials (secrets broker-sasl-jaas and fjord-bootstrap-users)."
  seeded=true
fi

i=0
for fqdn in $(echo "$FJORD_BOOTSTRAP_SERVERS" | tr ',' ' '); do
  host="${fqdn%:*}"
  name="broker-$i-keystore"
  if ! has_secret "$vault" "$name"; then
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj "/CN=$host" -keyout "$work/b.key" -out "$work/b.csr" 2>/dev/null
    printf 'subjectAltName=DNS:%s\nextendedKeyUsage=serverAuth,clientAuth\n' "$host" > "$work/b.ext"
    openssl x509 -req -in "$work/b.csr" -CA "$work/ca.pem" -CAkey "$work/ca.key" -CAcreateserial -days 825 \
      -extfile "$work/b.ext" -out "$work/b.pem" 2>/dev/null
    # ssl.keystore.type=PEM: the key, then the chain.
    cat "$work/b.key" "$work/b.pem" "$work/ca.pem" > "$work/keystore.pem"
    put_secret "$vault" "$name" "$work/keystore.pem"
    echo "Created broker $i's certificate for $host (Key Vault secret $name)."
    seeded=true
  fi
  i=$((i + 1))
done
[ "$i" -eq "$count" ] || { echo "expected $count brokers in FJORD_BOOTSTRAP_SERVERS, found $i" >&2; exit 1; }

# The control plane's first operator key, made once straight into Table storage as the signed-in deployer (main.bicep
# made it Storage Table Data Contributor; a new role assignment can take minutes to apply, hence the retries) and kept
# in the CA vault, which the brokers cannot read. The CLI prints the key alone on stdout.
if ! has_secret "$ca_vault" fjord-operator-key; then
  echo "Creating the control plane's first operator key (building the fjord CLI)..."
  tries=0
  until dotnet run --project "$hooks/../../functions/Fjord.Cli" -c Release -- api-key create \
      --table-endpoint "$AZURE_STORAGE_TABLE_ENDPOINT" --lifetime-days 365 --description "first operator key (azd postprovision)" \
      > "$work/operator.key"; do
    tries=$((tries + 1))
    [ "$tries" -lt "${FJORD_HOOK_RETRIES:-10}" ] || { echo "could not create the operator key; run 'azd provision' again later" >&2; exit 1; }
    echo "Table storage refused the deployer (a new role assignment may not apply yet); retrying in ${FJORD_HOOK_RETRY_SECONDS:-30} s..."
    sleep "${FJORD_HOOK_RETRY_SECONDS:-30}"
  done
  put_secret "$ca_vault" fjord-operator-key "$work/operator.key" text/plain
  echo "Created the first operator key (secret fjord-operator-key in Key Vault $ca_vault)."
fi

if [ "${FJORD_BROKER_TLS_SECRETS_EXIST:-false}" != true ]; then
  azd env set FJORD_BROKER_TLS_SECRETS_EXIST true
  echo "The brokers mount their certificates from the next provision on: run 'azd provision' once more (or 'azd up')."
elif [ "$seeded" = true ]; then
  echo "New secrets were stored: run 'azd provision' so the brokers' container apps mount them."
fi

cat <<NEXT

Fjord is provisioned in resource group $AZURE_RESOURCE_GROUP.
  bootstrap servers:  $FJORD_BOOTSTRAP_SERVERS  (SASL_SSL; trust the CA: az keyvault secret download --vault-name $vault --name fjord-ca --file ca.pem)
  control plane:      $FJORD_CONTROL_PLANE_URL/api
  operator key:       az keyvault secret show --vault-name $ca_vault --name fjord-operator-key --query value -o tsv
  fjord CLI:          export FJORD_API_URL=$FJORD_CONTROL_PLANE_URL FJORD_API_KEY="\$(az keyvault secret show --vault-name $ca_vault --name fjord-operator-key --query value -o tsv)"
NEXT
