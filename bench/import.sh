#!/usr/bin/env bash
# Measure `kefu import` of N customers and N vehicles into the embedded
# database, beside a floor: the same rows inserted by Python's sqlite3 module
# into the same schema in one transaction (no validation, no HTTP).
#   bench/import.sh [N]        (needs a release build: cargo build --release -p kefu)
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-100000}"
KEFU=target/release/kefu
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

python3 bench/make_import_files.py "$N" "$WORK/files"
# The demo group provides the dealer codes the files name.
KEFU_ADMIN_PASSWORD=bench-admin-1 "$KEFU" serve --demo --data "$WORK/data" --listen 127.0.0.1:0 >"$WORK/serve.log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do grep -q "listening on" "$WORK/serve.log" && break; sleep 0.1; done
kill -TERM "$pid"; wait "$pid"

echo "== kefu import customers ($N rows)"
KEFU_LOG=warn "$KEFU" import customers "$WORK/files/customers.csv" --data "$WORK/data" 2>/dev/null | tail -n 1
echo "== kefu import vehicles ($N rows)"
KEFU_LOG=warn "$KEFU" import vehicles "$WORK/files/vehicles.csv" --data "$WORK/data" 2>/dev/null | tail -n 1

echo "== floor: python sqlite3, same rows, one transaction"
python3 - "$WORK/files/customers.csv" "$WORK/floor.db" crates/kefu-store/migrations/sqlite/0001_foundation.sql <<'PY'
import csv, sqlite3, sys, time
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8")))[1:]
db = sqlite3.connect(sys.argv[2])
db.execute("PRAGMA journal_mode=WAL"); db.execute("PRAGMA synchronous=NORMAL")
db.executescript(open(sys.argv[3], encoding="utf-8").read())
t = time.perf_counter()
with db:
    for i, r in enumerate(rows, 1):
        db.execute("INSERT INTO customers (id, kind, name, phone, gender, birthday, tier, source, created_at, updated_at) "
                   "VALUES (?, 'person', ?, ?, ?, ?, ?, ?, 0, 0)", (i, r[0], r[1], r[2], r[3], r[5], r[6]))
        db.execute("INSERT INTO customer_phones (customer_id, phone, is_primary) VALUES (?, ?, 1)", (i, r[1]))
        db.execute("INSERT INTO changes (entity, entity_id, kind, at) VALUES ('customer', ?, 'created', 0)", (i,))
s = time.perf_counter() - t
print(f"{len(rows)} rows in {s:.2f} s ({len(rows)/s:.0f} rows/s)")
PY
