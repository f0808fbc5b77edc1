#!/usr/bin/env bash
# Install (Debian apt) and start a local RabbitMQ on 127.0.0.1:5672 (guest/guest). Idempotent:
# does nothing when something already answers on 5672; skipped entirely when AMQP_URL is set.
# No systemd: the broker runs `-detached` and stays up after this script exits.
#
# The test broker is its own disposable node (herald-ci@localhost) with its own database directory, wiped on
# every start. Two reasons, both seen on CI machines: a broker database left behind by earlier runs (thousands of
# test queues) made the default node spend minutes recovering before it opened 5672, and a host name that does
# not resolve stops a node named after the host (rabbit@<hostname>) from starting at all. `localhost` always
# resolves. A system RabbitMQ node, if the machine has one, is neither used nor touched.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

if [ -n "${AMQP_URL:-}" ]; then echo "rabbitmq skipped: AMQP_URL is set"; exit 0; fi

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
STATE=${HERALD_CI_STATE:-$REPO/.ci-state}
PORT=5672
mkdir -p "$STATE"

# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# every rabbitmq-* command below (server and CLI tools alike) reads these
export RABBITMQ_NODENAME=herald-ci@localhost
export RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
export RABBITMQ_NODE_PORT=$PORT
export RABBITMQ_MNESIA_BASE=/var/lib/rabbitmq/herald-ci
export RABBITMQ_LOG_BASE=/var/log/rabbitmq/herald-ci

show_logs() { # the broker's own words, for whoever reads a failed CI run
  echo "--- $STATE/rabbitmq-start.log:"; tail -n 30 "$STATE/rabbitmq-start.log" 2>/dev/null || true
  for f in "$RABBITMQ_LOG_BASE"/*.log /var/log/rabbitmq/startup_err; do
    [ -s "$f" ] && { echo "--- $f (last 30 lines):"; tail -n 30 "$f"; }
  done
  return 0
}

# serialise concurrent runs (fd 9 is closed for the broker so it does not keep the lock)
exec 9>"$STATE/.rabbitmq.lock"; flock 9

if ! port_open "$PORT"; then
  if ! command -v rabbitmq-server >/dev/null; then
    quiet apt-get update -qq
    quiet apt-get install -y -qq rabbitmq-server
  fi
  # a node may be booting but not listening yet: only start one when none answers
  if ! rabbitmq-diagnostics -q ping >/dev/null 2>&1; then
    rm -rf "$RABBITMQ_MNESIA_BASE"
    mkdir -p "$RABBITMQ_MNESIA_BASE" "$RABBITMQ_LOG_BASE"
    chown rabbitmq:rabbitmq "$RABBITMQ_MNESIA_BASE" "$RABBITMQ_LOG_BASE" 2>/dev/null || true
    rabbitmq-server -detached </dev/null >"$STATE/rabbitmq-start.log" 2>&1 9>&-
  fi
  # `await_startup` exits 69 until the node registered with epmd: wait for the AMQP port first
  for _ in $(seq 1 240); do port_open "$PORT" && break; sleep 0.5; done
  if ! port_open "$PORT"; then
    echo "rabbitmq did not open port $PORT within 120 s" >&2
    show_logs >&2
    exit 1
  fi
  if ! quiet rabbitmqctl -q await_startup; then show_logs >&2; exit 1; fi
fi
echo "rabbitmq ready: amqp://guest:guest@127.0.0.1:$PORT"
