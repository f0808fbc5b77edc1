#!/usr/bin/env bash
# Build (once) and start FerretDB v1.24 (MongoDB wire protocol, SQLite backend, no external DB) on 127.0.0.1:27017.
# State under ${HERALD_CI_STATE:-<repo>/.ci-state}/ferretdb, log in ferretdb.log there, telemetry off.
# Idempotent: does nothing when something already answers on 27017; skipped entirely when MONGODB_URL is set.
#
# Build notes (needs Go >= 1.24 and the Go module proxy; ~1.5-2 min on 2 cores):
# - `go install github.com/FerretDB/FerretDB/cmd/ferretdb@v1.24.2` compiles, but the binary panics at start
#   ("Invalid build/version/version.txt file content"): version.txt is generated upstream and is not in the module zip.
#   So we copy the module source, write version.txt, and `go build` that copy.
# - Three small patches (v1 is end-of-life upstream, so no fixed release exists):
#   1. the `update` handler defers closing each statement's SQLite cursor to the end of the whole command. With the
#      SQLite pool of 100 connections per database, an update command with >= 100 statements that match a document
#      (e.g. bulkWrite of 100 updateOne) deadlocks that database for good (and listDatabases with it) until FerretDB
#      restarts. Patched: the cursor is closed after each statement.
#   2. `{_id: <string|ObjectId>}` lookups (the only filter pushed down to SQL) used `->'$._id'` while the _id index is
#      on `->"_id"`, so SQLite scanned the whole table for every _id lookup/update/delete. Patched to the index
#      expression: _id operations use the index (10k-doc collection: updateOne by _id ~18 ms -> ~1.5 ms).
#   3. a conditional update is not atomic: the handler reads the matching documents, then writes them back by _id,
#      and another update may commit in between. Two concurrent updates of one document, `{_id, rank < 1}` → rank 1
#      and `{alertId, rank < 4}` → rank 6, ended at rank 1 in 155 of 200 tries (serially it is always 6), so a
#      recalled delivery could be moved back to `sent` by a late receipt. MongoDB updates one document atomically.
#      Patched: the update, findAndModify and delete commands run one at a time (a process-wide mutex), which is
#      what makes their conditions hold; reads and inserts stay concurrent.
#   The patched binary reports `package: herald-ci-patch3` in `ferretdb --version`; any other binary is rebuilt.
set -euo pipefail

if [ -n "${MONGODB_URL:-}" ]; then echo "ferretdb skipped: MONGODB_URL is set"; exit 0; fi

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
STATE=${HERALD_CI_STATE:-$REPO/.ci-state}
DIR=$STATE/ferretdb
VERSION=v1.24.2
PATCH=herald-ci-patch3
PORT=${HERALD_FERRETDB_PORT:-27017}   # override only for experiments
URL=mongodb://127.0.0.1:$PORT
mkdir -p "$DIR/data"

# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ready() { echo "ferretdb ready: $URL (sqlite backend, data in $DIR/data, log $DIR/ferretdb.log)"; exit 0; }
works() { # a runnable v1.24.2 with our patch
  [ -n "$1" ] && [ -x "$1" ] || return 1
  local v; v=$("$1" --version 2>/dev/null) || return 1
  grep -qx "version: $VERSION" <<<"$v" && grep -qx "package: $PATCH" <<<"$v"
}

port_open "$PORT" && ready

# serialise concurrent runs (fd 9 is closed for ferretdb so it does not keep the lock)
exec 9>"$STATE/.ferretdb.lock"; flock 9
port_open "$PORT" && ready

# --- binary: $HOME/go/bin or PATH, else build it -------------------------------------------------------------
export PATH=$PATH:/usr/local/go/bin
GOBIN_DIR=$HOME/go/bin
if command -v go >/dev/null; then
  GOBIN_DIR=$(go env GOBIN)
  if [ -z "$GOBIN_DIR" ]; then GOBIN_DIR=$(go env GOPATH); GOBIN_DIR=${GOBIN_DIR%%:*}/bin; fi
fi
BIN=
for candidate in "$GOBIN_DIR/ferretdb" "$HOME/go/bin/ferretdb" "$(command -v ferretdb || true)"; do
  if works "$candidate"; then BIN=$candidate; break; fi
done
if [ -z "$BIN" ]; then
  command -v go >/dev/null || { echo "ferretdb: Go >= 1.24 is required to build FerretDB $VERSION" >&2; exit 1; }
  SRC=$(go mod download -json "github.com/FerretDB/FerretDB@$VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  [ -d "$SRC" ] || { echo "ferretdb: go mod download of FerretDB $VERSION failed" >&2; exit 1; }
  WORK=$(mktemp -d); trap 'rm -rf "$WORK"' EXIT
  cp -r "$SRC/." "$WORK/"; chmod -R u+w "$WORK"
  echo "$VERSION" >"$WORK/build/version/version.txt"
  echo "$PATCH" >"$WORK/build/version/package.txt"
  UPD=$WORK/internal/handler/msg_update.go MD=$WORK/internal/backends/sqlite/metadata/metadata.go
  [ "$(grep -c $'^\t\tdefer closer.Close()$' "$UPD")" = 1 ] &&
    [ "$(grep -c $'^\t\tresult, err := common.UpdateDocument(ctx, c, "update", iter, &u)$' "$UPD")" = 1 ] &&
    [ "$(grep -c $'^\tIDColumn = DefaultColumn + "->\'$._id\'"$' "$MD")" = 1 ] ||
    { echo "ferretdb: patch targets not found in $UPD / $MD" >&2; exit 1; }
  sed -i -e $'s/^\t\tdefer closer.Close()$/\t\t\/\/ herald-ci patch 1: closed right after UpdateDocument below/' \
    -e $'s/^\t\tresult, err := common.UpdateDocument(ctx, c, "update", iter, &u)$/&\\n\t\tcloser.Close()/' "$UPD"
  sed -i -e $'s/^\tIDColumn = DefaultColumn + "->\'$._id\'"$/\tIDColumn = DefaultColumn + `->"_id"` \/\/ herald-ci patch 2: same expression as the _id index/' "$MD"
  H=$WORK/internal/handler
  for f in msg_update.go:MsgUpdate msg_findandmodify.go:MsgFindAndModify msg_delete.go:MsgDelete; do
    [ "$(grep -c "^func (h \*Handler) ${f#*:}(connCtx context.Context, msg \*wire.OpMsg) (\*wire.OpMsg, error) {\$" "$H/${f%%:*}")" = 1 ] ||
      { echo "ferretdb: patch 3 target ${f#*:} not found in $H/${f%%:*}" >&2; exit 1; }
    sed -i -e "s/^func (h \*Handler) ${f#*:}(connCtx context.Context, msg \*wire.OpMsg) (\*wire.OpMsg, error) {\$/&\n\theraldWriteMu.Lock() \/\/ herald-ci patch 3\n\tdefer heraldWriteMu.Unlock()/" "$H/${f%%:*}"
  done
  printf 'package handler\n\nimport "sync"\n\n// heraldWriteMu: herald-ci patch 3, one write command at a time so conditional updates are atomic.\nvar heraldWriteMu sync.Mutex\n' >"$H/herald_write_lock.go"
  mkdir -p "$GOBIN_DIR"
  (cd "$WORK" && quiet go build -trimpath -buildvcs=false -o "$GOBIN_DIR/ferretdb.tmp" ./cmd/ferretdb)
  mv -f "$GOBIN_DIR/ferretdb.tmp" "$GOBIN_DIR/ferretdb"
  BIN=$GOBIN_DIR/ferretdb
  works "$BIN" || { echo "ferretdb: built $BIN does not run" >&2; exit 1; }
fi

# --- start ---------------------------------------------------------------------------------------------------
PID=
[ -s "$DIR/ferretdb.pid" ] && PID=$(cat "$DIR/ferretdb.pid")
if [ -z "$PID" ] || ! grep -qa ferretdb "/proc/$PID/cmdline" 2>/dev/null; then
  # --debug-addr=- : no HTTP debug/metrics listener (default 127.0.0.1:8088 could clash with the services)
  setsid nohup "$BIN" \
    --handler=sqlite \
    --sqlite-url="file:$DIR/data/" \
    --state-dir="$DIR" \
    --listen-addr="127.0.0.1:$PORT" \
    --debug-addr=- \
    --telemetry=disable \
    --log-level="${FERRETDB_LOG_LEVEL:-warn}" \
    --log-format=text \
    </dev/null >>"$DIR/ferretdb.log" 2>&1 9>&- &
  echo $! >"$DIR/ferretdb.pid"
fi
for _ in $(seq 1 300); do port_open "$PORT" && break; sleep 0.1; done
port_open "$PORT" || { tail -n 20 "$DIR/ferretdb.log" >&2; echo "ferretdb did not open port $PORT within 30 s" >&2; exit 1; }
ready
