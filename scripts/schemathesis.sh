#!/usr/bin/env bash
# The served OpenAPI document, held against the server by schemathesis.
#
# Starts `tandem serve --demo` on a fresh SQLite file, signs in a demo mentee and
# the demo admin, and runs every default check of schemathesis against
# /api/openapi.json once with each token, with a fixed seed. Any failure (a 5xx,
# a status or body the document does not declare, valid input refused, invalid
# input accepted) fails the run. schemathesis.toml, next to this script's
# parent, says which statuses an operation may answer beyond its own.
#
#     pip install schemathesis
#     scripts/schemathesis.sh                             # the debug binary, 100 cases an operation (CI)
#     scripts/schemathesis.sh target/release/tandem 500   # more cases per operation
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
binary=${1:-$root/target/debug/tandem}
examples=${2:-100}
work=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"

# Cheap hashing and no sign-up throttle: the run signs up many accounts.
TANDEM_ARGON2_MEMORY_KIB=1024 TANDEM_ARGON2_ITERATIONS=1 \
TANDEM_SIGNUP_MAX_PER_IP=100000000 TANDEM_LOGIN_MAX_FAILURES_PER_IP=100000000 \
TANDEM_LOGIN_MAX_FAILURES_PER_ACCOUNT=100000000 RUST_LOG=warn \
    "$binary" serve --demo --bind "127.0.0.1:$port" \
    --database-url "sqlite://$work/tandem.db" >"$work/server.log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -rf "$work"' EXIT

for _ in $(seq 1 120); do
    curl -fsS "$base/readyz" >/dev/null 2>&1 && break
    sleep 0.5
done
curl -fsS "$base/readyz" >/dev/null

token() {
    curl -fsS -X POST "$base/api/v1/auth/login" -H 'Content-Type: application/json' \
        -d "{\"email\":\"$1\",\"password\":\"tandem-demo-2026\"}" |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])'
}

# schemathesis keeps a cache where it runs: keep it out of the repository.
cd "$work"
status=0
for who in lucas.silva@demo.tandem.test admin@demo.tandem.test; do
    echo "--- schemathesis as $who"
    st --config-file "$root/schemathesis.toml" run "$base/api/openapi.json" \
        --seed 42 --max-examples "$examples" --workers 2 \
        --header "Authorization: Bearer $(token "$who")" \
        --no-color || status=$?
done
if [ "$status" -ne 0 ]; then
    echo "--- server log (last 40 lines)"
    tail -n 40 "$work/server.log"
fi
exit "$status"
