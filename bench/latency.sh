#!/usr/bin/env bash
# Single-request latency of the API on the demo data: one client, one
# connection, requests back to back (wrk -t1 -c1), beside the floor of
# /healthz, which goes through the same middleware without a database.
#   bench/latency.sh [SECONDS]   (needs wrk and a release build)
set -euo pipefail
cd "$(dirname "$0")/.."
SECS="${1:-10}"
KEFU=target/release/kefu
WORK="$(mktemp -d)"
trap 'kill -TERM "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; rm -rf "$WORK"' EXIT

KEFU_LOG=warn KEFU_ADMIN_PASSWORD=bench-admin-1 "$KEFU" serve --demo --data "$WORK/data" \
    --listen 127.0.0.1:0 >"$WORK/serve.log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do grep -q "listening on" "$WORK/serve.log" && break; sleep 0.1; done
BASE=$(grep -o 'http://[0-9.:]*' "$WORK/serve.log" | head -n 1)
TOKEN=$(curl -s "$BASE/api/v1/auth/token" -H 'content-type: application/json' \
    -d '{"username":"agent","password":"kefu-demo"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')

run() {
    echo "== $1"
    wrk -t1 -c1 -d"${SECS}s" --latency -H "Authorization: Bearer $TOKEN" "$BASE$2" \
        "${@:3}" | grep -E "Requests/sec|^ +(50|90|99)%|Non-2xx"
}
run "floor: GET /healthz" "/healthz"
run "GET /api/v1/customers/1" "/api/v1/customers/1"
run "GET /api/v1/customers?phone= (screen-pop lookup)" "/api/v1/customers?phone=13037912345"
run "GET /api/v1/vehicles?vin= (last six)" "/api/v1/vehicles?vin=$(curl -s -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/vehicles/1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["vin"][-6:])')"
run "GET /api/v1/customers?limit=50 (a page)" "/api/v1/customers?limit=50"
cat >"$WORK/post.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"name":"压测客户","phone":"13900000000","dealer_id":1,"tags":["bench"]}'
LUA
run "POST /api/v1/customers (a write: one transaction, change log, audit)" "/api/v1/customers" -s "$WORK/post.lua"
