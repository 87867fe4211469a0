#!/bin/sh
# The engine's own time for `kefu demo`'s rows: every row a demo database
# holds, copied by SQLite itself (INSERT ... SELECT, nothing bound, nothing
# made) into an empty copy of its schema with the load's settings (WAL,
# synchronous = NORMAL, foreign keys checked, 1 GiB page cache, unique keys
# live, the other secondary indexes dropped), one transaction per table,
# then the dropped indexes built again. What `kefu demo` takes beyond this
# is the cost of making and binding the rows and of committing in batches.
# Usage: bench/sqlite-floor/demo-floor.sh DIR   (DIR filled by `kefu demo`)
# Needs the sqlite3 shell (Debian package sqlite3).
set -eu
src=$(cd "$1" && pwd)/kefu.db
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
loaded="customers customer_phones vehicles changes tickets ticket_events clocks breaches notifications"
list=$(for t in $loaded; do printf "'%s'," "$t"; done | sed 's/,$//')
secondary="type = 'index' AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%' AND tbl_name IN ($list)"
others=$(sqlite3 "$src" "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN ($list) AND name NOT LIKE 'sqlite_%'")
{
    echo "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -1048576;"
    echo "PRAGMA wal_autocheckpoint = 100000; PRAGMA threads = 2;"
    sqlite3 "$src" ".schema" | grep -v sqlite_sequence
    sqlite3 "$src" "SELECT 'DROP INDEX ' || name || ';' FROM sqlite_master WHERE $secondary"
    # The group itself (dealers, users, policies...), parents of the rest.
    echo "ATTACH '$src' AS src; PRAGMA foreign_keys = OFF; BEGIN;"
    for t in $others; do echo "INSERT INTO main.$t SELECT * FROM src.$t;"; done
    echo "COMMIT; PRAGMA foreign_keys = ON;"
    echo ".timer on"
    for t in $loaded; do
        echo ".print $t"
        echo "BEGIN; INSERT INTO main.$t SELECT * FROM src.$t; COMMIT;"
    done
    echo ".print indexes"
    echo "BEGIN;"
    sqlite3 "$src" "SELECT sql || ';' FROM sqlite_master WHERE $secondary ORDER BY name"
    echo "COMMIT;"
} > "$work/load.sql"
sqlite3 "$work/floor.db" < "$work/load.sql" | awk '
    /^Run Time/ { s[name] += $4; next }
    /^(wal|[0-9]+)$/ { next }
    { name = $0; order[++n] = name }
    END { for (i = 1; i <= n; i++) { printf "%-16s %6.2f s\n", order[i], s[order[i]]; t += s[order[i]] }
          printf "%-16s %6.2f s\n", "total", t }'
