#!/usr/bin/env python3
"""SCRAM-SHA-512 authentications per second one broker accepts, over the wire.

    tests/Fjord.Perf/scram-auth-rate.py HOST:PORT --user admin --password admin-secret [--tls CA.pem]
                                        [--clients 8] [--seconds 10]

Each of N client threads loops: connect (and TLS handshake with --tls), SaslHandshake v1 SCRAM-SHA-512, the two
SaslAuthenticate v1 round trips, check the server signature, close. The client caches the salted password per
(salt, iterations), as a client reconnecting with one password may, so that the client's PBKDF2 does not hide
the broker's cost; everything else (nonces, proofs) is fresh per authentication. Prints one JSON line.
"""
import argparse, base64, hashlib, hmac, json, os, socket, ssl, struct, threading, time

API_SASL_HANDSHAKE, API_SASL_AUTHENTICATE = 17, 36


def frame(api_key, version, correlation_id, body):
    client_id = b"scram-auth-rate"
    header = struct.pack(">hhih", api_key, version, correlation_id, len(client_id)) + client_id
    payload = header + body
    return struct.pack(">i", len(payload)) + payload


def read_exactly(sock, n):
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise ConnectionError("broker closed the connection")
        data += chunk
    return data


def call(sock, api_key, version, correlation_id, body):
    sock.sendall(frame(api_key, version, correlation_id, body))
    size = struct.unpack(">i", read_exactly(sock, 4))[0]
    response = read_exactly(sock, size)
    if struct.unpack(">i", response[:4])[0] != correlation_id:
        raise ValueError("correlation id mismatch")
    return response[4:]


def authenticate(sock, token, correlation_id):
    body = call(sock, API_SASL_AUTHENTICATE, 1, correlation_id, struct.pack(">i", len(token)) + token)
    error, message_len = struct.unpack(">hh", body[:4])
    pos = 4 + max(message_len, 0)
    message = body[4:pos].decode() if message_len >= 0 else None
    (auth_len,) = struct.unpack(">i", body[pos:pos + 4])
    if error != 0:
        raise PermissionError(f"SaslAuthenticate error {error}: {message}")
    return body[pos + 4:pos + 4 + auth_len]


class Scram:
    salted_cache = {}
    lock = threading.Lock()

    def __init__(self, user, password):
        self.user, self.password = user, password

    def salted(self, salt, iterations):
        key = (salt, iterations)
        with Scram.lock:
            if key not in Scram.salted_cache:
                Scram.salted_cache[key] = hashlib.pbkdf2_hmac("sha512", self.password.encode(), salt, iterations)
            return Scram.salted_cache[key]

    def run(self, sock):
        body = struct.pack(">h", 13) + b"SCRAM-SHA-512"
        handshake = call(sock, API_SASL_HANDSHAKE, 1, 1, body)
        if struct.unpack(">h", handshake[:2])[0] != 0:
            raise PermissionError("SaslHandshake refused SCRAM-SHA-512")
        nonce = base64.b64encode(os.urandom(18)).decode()
        first_bare = f"n={self.user},r={nonce}"
        server_first = authenticate(sock, ("n,," + first_bare).encode(), 2).decode()
        fields = dict(part.split("=", 1) for part in server_first.split(","))
        salted = self.salted(base64.b64decode(fields["s"]), int(fields["i"]))
        final_without_proof = f"c=biws,r={fields['r']}"
        auth_message = f"{first_bare},{server_first},{final_without_proof}".encode()
        client_key = hmac.digest(salted, b"Client Key", "sha512")
        signature = hmac.digest(hashlib.sha512(client_key).digest(), auth_message, "sha512")
        proof = bytes(a ^ b for a, b in zip(client_key, signature))
        server_final = authenticate(sock, f"{final_without_proof},p={base64.b64encode(proof).decode()}".encode(), 3).decode()
        server_key = hmac.digest(salted, b"Server Key", "sha512")
        expected = base64.b64encode(hmac.digest(server_key, auth_message, "sha512")).decode()
        if server_final != "v=" + expected:
            raise PermissionError("the broker's signature does not verify")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("bootstrap")
    parser.add_argument("--user", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--tls", metavar="CA_PEM")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10)
    args = parser.parse_args()
    host, port = args.bootstrap.rsplit(":", 1)
    context = None
    if args.tls:
        context = ssl.create_default_context(cafile=args.tls)
    counts, failures = [0] * args.clients, [0] * args.clients
    errors = []
    deadline = time.monotonic() + args.seconds

    def worker(index):
        scram = Scram(args.user, args.password)
        while time.monotonic() < deadline:
            try:
                with socket.create_connection((host, int(port)), timeout=30) as raw:
                    raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                    sock = context.wrap_socket(raw, server_hostname=host) if context else raw
                    try:
                        scram.run(sock)
                    finally:
                        if sock is not raw:
                            sock.close()
                counts[index] += 1
            except Exception as e:  # noqa: BLE001 - every failure is counted and reported
                failures[index] += 1
                if len(errors) < 5:
                    errors.append(repr(e))

    started = time.monotonic()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(args.clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    print(json.dumps({"mode": "sasl_ssl" if args.tls else "sasl_plaintext", "clients": args.clients, "seconds": round(elapsed, 2),
                      "authentications": sum(counts), "perSec": round(sum(counts) / elapsed, 1), "failures": sum(failures), "errors": errors}))


if __name__ == "__main__":
    main()
