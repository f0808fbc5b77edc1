#!/usr/bin/env bash
# Install (Debian apt) and start a local RabbitMQ on 127.0.0.1:5672 (guest/guest). Idempotent:
# does nothing when something already answers on 5672; skipped entirely when AMQP_URL is set.
# No systemd: the broker runs `-detached` and stays up after this script exits.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

if [ -n "${AMQP_URL:-}" ]; then echo "rabbitmq skipped: AMQP_URL is set"; exit 0; fi

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
STATE=${HERALD_CI_STATE:-$REPO/.ci-state}
PORT=5672
mkdir -p "$STATE"

# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# serialise concurrent runs (fd 9 is closed for the broker so it does not keep the lock)
exec 9>"$STATE/.rabbitmq.lock"; flock 9

if ! port_open "$PORT"; then
  if ! command -v rabbitmq-server >/dev/null; then
    quiet apt-get update -qq
    quiet apt-get install -y -qq rabbitmq-server
  fi
  # a node may be booting but not listening yet: only start one when none answers
  if ! rabbitmq-diagnostics -q ping >/dev/null 2>&1; then
    rabbitmq-server -detached </dev/null >"$STATE/rabbitmq-start.log" 2>&1 9>&-
  fi
  # `await_startup` exits 69 until the node registered with epmd: wait for the AMQP port first
  for _ in $(seq 1 240); do port_open "$PORT" && break; sleep 0.5; done
  if ! port_open "$PORT"; then
    echo "rabbitmq did not open port $PORT within 120 s; see /var/log/rabbitmq/ and $STATE/rabbitmq-start.log" >&2
    exit 1
  fi
  quiet rabbitmqctl -q await_startup
fi
echo "rabbitmq ready: amqp://guest:guest@127.0.0.1:$PORT"
