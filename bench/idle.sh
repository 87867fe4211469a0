#!/usr/bin/env bash
# The scheduler's CPU when nothing is due: `kefu serve --demo`, N work orders
# opened and dispatched or escalated (so their clocks run, the next one hours
# away), then the server's CPU time over SECONDS of quiet, from /proc.
#   bench/idle.sh [N] [SECONDS]   (needs a release build)
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-200}"
SECS="${2:-60}"
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
for i in $(seq 1 "$N"); do
    id=$(curl -s -H "Authorization: Bearer $TOKEN" -H 'content-type: application/json' "$BASE/api/v1/tickets" \
        -d "{\"customer_id\":$(( (i - 1) % 300 + 1 )),\"channel\":\"phone\",\"category\":\"complaint\",\"subject\":\"idle\"}" \
        | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
    if [ $((i % 2)) = 0 ]; then move=escalate; body='{"department_id":2}'; else move=dispatch; body='{"dealer_id":1}'; fi
    curl -s -o /dev/null -H "Authorization: Bearer $TOKEN" -H 'content-type: application/json' \
        "$BASE/api/v1/tickets/$id/$move" -d "$body"
done
python3 - "$WORK/data/kefu.db" <<'PY'
import sqlite3, sys, time
db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
live, first = db.execute("SELECT count(*), min(next_at) FROM clocks WHERE next_at IS NOT NULL").fetchone()
print(f"{live} live clocks; the next is due in {(first / 1000 - time.time()) / 3600:.1f} h")
PY
t0=$(awk '{print $14 + $15}' "/proc/$pid/stat")
sleep "$SECS"
t1=$(awk '{print $14 + $15}' "/proc/$pid/stat")
python3 -c "print(f'CPU over $SECS s idle: {($t1 - $t0) / $(getconf CLK_TCK):.2f} s = {($t1 - $t0) / $(getconf CLK_TCK) / $SECS * 100:.3f} % of one core')"
grep VmRSS "/proc/$pid/status"
