#!/usr/bin/env bash
# Build (once) and start FerretDB v1.24 (MongoDB wire protocol, SQLite backend, no external DB) on 127.0.0.1:27017.
# State under ${HERALD_CI_STATE:-<repo>/.ci-state}/ferretdb, log in ferretdb.log there, telemetry off.
# Idempotent: does nothing when something already answers on 27017; skipped entirely when MONGODB_URL is set.
#
# Build note: `go install github.com/FerretDB/FerretDB/cmd/ferretdb@v1.24.2` compiles, but the binary panics at start
# ("Invalid build/version/version.txt file content"): version.txt is generated upstream and absent from the module zip.
# So we copy the module source, write version.txt, and `go build` that (needs Go >= 1.24 and the Go module proxy).
set -euo pipefail

if [ -n "${MONGODB_URL:-}" ]; then echo "ferretdb skipped: MONGODB_URL is set"; exit 0; fi

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
STATE=${HERALD_CI_STATE:-$REPO/.ci-state}
DIR=$STATE/ferretdb
VERSION=v1.24.2
PORT=27017
URL=mongodb://127.0.0.1:$PORT
mkdir -p "$DIR/data"

# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ready() { echo "ferretdb ready: $URL (sqlite backend, data in $DIR/data, log $DIR/ferretdb.log)"; exit 0; }
works() { [ -n "$1" ] && [ -x "$1" ] && "$1" --version 2>/dev/null | grep -q "^version: $VERSION"; }

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
