#!/bin/sh
# Build floor.c against the SQLite amalgamation that kefu bundles (from the
# libsqlite3-sys crate cargo has fetched) and run it in a temporary folder.
# Usage: bench/sqlite-floor/run.sh   (from the repository, after a build)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
manifest=$(cargo metadata --format-version 1 --manifest-path "$here/../../Cargo.toml" |
    python3 -c 'import json, sys
print(next(p["manifest_path"] for p in json.load(sys.stdin)["packages"] if p["name"] == "libsqlite3-sys"))')
amalgamation=$(dirname "$manifest")/sqlite3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cc -O2 -DSQLITE_DEFAULT_MEMSTATUS=0 -I"$amalgamation" -o "$work/floor" "$here/floor.c" "$amalgamation/sqlite3.c" -lpthread -lm -ldl
"$work/floor" "$work/floor.db"
