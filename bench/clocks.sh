#!/usr/bin/env bash
# Clocks at scale: `kefu demo` writes N open work orders (received over the
# last two days, with their clocks), K of the live clocks are moved to come
# due over the first minute after start, then `kefu serve` runs: time to
# listening, firing lateness of those K (fired_at - due_at), the server's CPU
# and memory over the run, and its CPU over a further quiet minute.
#   bench/clocks.sh [N] [K] [QUIET_SECONDS]   (needs a release build)
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-1000000}"
K="${2:-1000}"
QUIET="${3:-60}"
KEFU=target/release/kefu
WORK="${KEFU_BENCH_DIR:-$(mktemp -d)}"
pid=""
trap '[ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null; wait 2>/dev/null; [ -z "${KEFU_BENCH_DIR:-}" ] && rm -rf "$WORK"' EXIT

if [ ! -f "$WORK/data/kefu.db" ]; then
    echo "== kefu demo --customers $((N / 5)) --tickets $N --open $N"
    KEFU_LOG=warn KEFU_ADMIN_PASSWORD=bench-admin-1 "$KEFU" demo --customers $((N / 5)) \
        --tickets "$N" --open "$N" --data "$WORK/data" 2>&1 | tr '\r' '\n' | grep -E " in |work orders"
fi
python3 - "$WORK/data/kefu.db" "$K" <<'PY'
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1])
k = int(sys.argv[2])
orders = db.execute("SELECT count(*) FROM tickets WHERE status NOT IN ('closed')").fetchone()[0]
live = db.execute("SELECT count(*) FROM clocks WHERE next_at IS NOT NULL").fetchone()[0]
print(f"{orders} open orders, {live} live clocks")
# K live clocks, spread over the table, come due 15 s to 75 s from now.
start = int(time.time() * 1000) + 15_000
ids = [r[0] for r in db.execute(
    "SELECT id FROM clocks WHERE next_at IS NOT NULL AND paused_at IS NULL ORDER BY (id * 7919) % 1000003 LIMIT ?", (k,))]
with db:
    db.execute("CREATE TABLE IF NOT EXISTS bench_due (clock_id INTEGER PRIMARY KEY, due_at INTEGER)")
    db.execute("DELETE FROM bench_due")
    for i, cid in enumerate(ids):
        due = start + i * 60_000 // max(k, 1)
        db.execute("UPDATE clocks SET due_at = ?, next_at = ?, warn_at = NULL, warned_at = ? WHERE id = ?",
                   (due, due, due - 60_000, cid))
        db.execute("INSERT INTO bench_due VALUES (?, ?)", (cid, due))
db.close()
PY
t_exec=$(date +%s.%N)
KEFU_LOG=warn KEFU_ADMIN_PASSWORD=bench-admin-1 "$KEFU" serve --data "$WORK/data" \
    --listen 127.0.0.1:0 >"$WORK/serve.log" 2>&1 &
pid=$!
until grep -q "listening on" "$WORK/serve.log"; do sleep 0.005; done
t_listen=$(date +%s.%N)
BASE=$(grep -o 'http://[0-9.:]*' "$WORK/serve.log" | head -n 1)
until curl -sf -o /dev/null "$BASE/healthz"; do sleep 0.005; done
t_healthy=$(date +%s.%N)
python3 -c "print(f'start: listening after {($t_listen - $t_exec) * 1000:.0f} ms, healthy after {($t_healthy - $t_exec) * 1000:.0f} ms')"
c0=$(awk '{print $14 + $15}' "/proc/$pid/stat")
sleep 80
c1=$(awk '{print $14 + $15}' "/proc/$pid/stat")
python3 -c "print(f'CPU over the 80 s with $K clocks coming due: {($c1 - $c0) / $(getconf CLK_TCK):.2f} s = {($c1 - $c0) / $(getconf CLK_TCK) / 80 * 100:.2f} % of one core')"
python3 - "$WORK/data/kefu.db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
late = sorted(r[0] for r in db.execute(
    "SELECT c.fired_at - b.due_at FROM bench_due b JOIN clocks c ON c.id = b.clock_id WHERE c.fired_at IS NOT NULL"))
n = db.execute("SELECT count(*) FROM bench_due").fetchone()[0]
if late:
    q = lambda p: late[min(len(late) - 1, int(p * len(late)))]
    print(f"fired {len(late)} of {n}; lateness p50 {q(0.5)} ms, p99 {q(0.99)} ms, max {late[-1]} ms")
else:
    print(f"fired 0 of {n}")
PY
q0=$(date +%s%3N)
c0=$(awk '{print $14 + $15}' "/proc/$pid/stat")
sleep "$QUIET"
c1=$(awk '{print $14 + $15}' "/proc/$pid/stat")
q1=$(date +%s%3N)
fired=$(sqlite3 "file:$WORK/data/kefu.db?mode=ro" \
    "SELECT (SELECT count(*) FROM clocks WHERE fired_at BETWEEN $q0 AND $q1) + (SELECT count(*) FROM clocks WHERE warned_at BETWEEN $q0 AND $q1)")
python3 -c "print(f'CPU over $QUIET s more, no requests, $fired warnings and firings of the orders own clocks: {($c1 - $c0) / $(getconf CLK_TCK):.2f} s = {($c1 - $c0) / $(getconf CLK_TCK) / $QUIET * 100:.3f} % of one core')"
grep -E "VmRSS|VmHWM" "/proc/$pid/status"
