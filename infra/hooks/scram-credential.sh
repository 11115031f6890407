#!/bin/sh
# Prints the SCRAM-SHA-512 and SCRAM-SHA-256 credentials of one user as lines of a Fjord bootstrap users file
# (fjord.sasl.bootstrap.users: the form kafka-storage's --add-scram takes, with salt, StoredKey and ServerKey in
# base64 and never the password). RFC 5802: SaltedPassword = PBKDF2(password, salt, i); StoredKey = H(HMAC(
# SaltedPassword, "Client Key")); ServerKey = HMAC(SaltedPassword, "Server Key"). Needs OpenSSL 3 (openssl kdf).
# Usage: scram-credential.sh USER PASSWORD_FILE [ITERATIONS]; USER must not contain ',' or '='.
set -eu

user="$1"
password="$(cat "$2")"
iterations="${3:-8192}"
case "$user" in *,* | *=*) echo "scram-credential.sh: user name '$user' needs SCRAM escaping, which this script does not do" >&2; exit 2;; esac

hex() { od -An -v -tx1 | tr -d ' \n'; }
b64() { openssl base64 -A; }
salt_file="$(mktemp)"
trap 'rm -f "$salt_file"' EXIT

credential() {
  mechanism="$1" digest="$2" length="$3"
  openssl rand -out "$salt_file" "$length"
  salt="$(hex < "$salt_file")"
  # The password goes in as hex, so no character in it can be read as an openssl option.
  salted="$(openssl kdf -keylen "$length" -kdfopt "digest:$digest" -kdfopt "hexpass:$(printf '%s' "$password" | hex)" \
    -kdfopt "hexsalt:$salt" -kdfopt "iter:$iterations" PBKDF2 | tr -d ':\n')"
  stored="$(printf 'Client Key' | openssl dgst "-$digest" -mac HMAC -macopt "hexkey:$salted" -binary | openssl dgst "-$digest" -binary | b64)"
  server="$(printf 'Server Key' | openssl dgst "-$digest" -mac HMAC -macopt "hexkey:$salted" -binary | b64)"
  salt64="$(b64 < "$salt_file")"
  printf '%s=[name=%s,iterations=%s,salt=%s,stored_key=%s,server_key=%s]\n' "$mechanism" "$user" "$iterations" "$salt64" "$stored" "$server"
}

credential SCRAM-SHA-512 sha512 64
credential SCRAM-SHA-256 sha256 32
