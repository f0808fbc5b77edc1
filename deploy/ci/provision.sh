#!/usr/bin/env bash
# Get everything the tests need running locally (Debian 12, root, no Docker/systemd). Idempotent; safe to re-run.
#   1. one apt-get transaction for all missing packages (apt must never run concurrently)
#   2. in parallel: node_modules (npm ci, only when stale), FerretDB build+start, then RabbitMQ and OpenLDAP
#   3. prints the connection settings as KEY=value lines (exports nothing)
# A server whose URL env var is already set (AMQP_URL, LDAP_URL, MONGODB_URL) is neither installed nor started.
# Debian's chromium is installed too (browser tests); HERALD_CI_CHROMIUM=0 skips it.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
export HERALD_CI_STATE=${HERALD_CI_STATE:-$REPO/.ci-state}
LOGS=$HERALD_CI_STATE/logs
mkdir -p "$LOGS"

# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

names=(); pids=()
job() { # job NAME CMD...: run in the background, output to $LOGS/NAME.log
  local name=$1; shift
  "$@" >"$LOGS/$name.log" 2>&1 &
  names+=("$name"); pids+=("$!")
}

node_modules() {
  cd "$REPO"
  local stamp=node_modules/.package-lock.json
  if [ -f package-lock.json ]; then
    if [ ! -d node_modules ] || [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ]; then
      quiet npm ci --no-audit --no-fund --loglevel=error
    fi
  elif [ ! -d node_modules ] || [ ! -f "$stamp" ] || [ package.json -nt "$stamp" ]; then
    quiet npm install --no-audit --no-fund --loglevel=error
  fi
  # npm 11 runs install scripts only for packages approved in package.json "allowScripts": check the native build
  if [ -d node_modules/better-sqlite3 ] && ! node -e "require('better-sqlite3')(':memory:').close()" 2>/dev/null; then
    quiet npm rebuild better-sqlite3 --loglevel=error
    node -e "require('better-sqlite3')(':memory:').close()"
  fi
  echo "node_modules ready"
}

# --- 1. apt: one transaction, nothing else uses apt meanwhile --------------------------------------------------
pkgs=()
if [ -z "${AMQP_URL:-}" ] && ! command -v rabbitmq-server >/dev/null; then pkgs+=(rabbitmq-server); fi
if [ -z "${LDAP_URL:-}" ] && { ! command -v slapd >/dev/null || ! command -v ldapadd >/dev/null; }; then pkgs+=(slapd ldap-utils); fi
if [ "${HERALD_CI_CHROMIUM:-1}" = 1 ] && [ ! -x /usr/bin/chromium ]; then pkgs+=(chromium); fi

# jobs that do not need apt start right away (FerretDB's Go build is the longest step)
job node_modules node_modules
job ferretdb bash "$HERE/start-ferretdb.sh"

if [ "${#pkgs[@]}" -gt 0 ]; then
  quiet apt-get update -qq
  quiet apt-get install -y -qq "${pkgs[@]}"
fi

# --- 2. servers ------------------------------------------------------------------------------------------------
job rabbitmq bash "$HERE/start-rabbitmq.sh"
job ldap bash "$HERE/start-ldap.sh"
if [ "${HERALD_CI_CHROMIUM:-1}" = 1 ]; then job chromium bash "$HERE/start-chromium.sh"; fi

failed=()
for i in "${!pids[@]}"; do
  if wait "${pids[$i]}"; then cat "$LOGS/${names[$i]}.log"
  else failed+=("${names[$i]}"); { echo "--- ${names[$i]} FAILED:"; cat "$LOGS/${names[$i]}.log"; } >&2
  fi
done
if [ "${#failed[@]}" -gt 0 ]; then echo "provision failed: ${failed[*]} (logs in $LOGS)" >&2; exit 1; fi

# --- 3. connection settings ------------------------------------------------------------------------------------
echo "AMQP_URL=${AMQP_URL:-amqp://guest:guest@127.0.0.1:5672}"
echo "MONGODB_URL=${MONGODB_URL:-mongodb://127.0.0.1:27017}"
if [ -n "${LDAP_URL:-}" ]; then
  echo "LDAP_URL=$LDAP_URL"
else
  echo "LDAP_URL=ldap://127.0.0.1:3890"
  echo "LDAP_BIND_DN=cn=admin,dc=example,dc=com"
  echo "LDAP_BIND_PASSWORD=admin"
  echo "LDAP_BASE_DN=dc=example,dc=com"
fi
