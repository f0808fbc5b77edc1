#!/usr/bin/env bash
# Install Debian's chromium for browser tests (playwright-core with executablePath /usr/bin/chromium).
# Never `npx playwright install` (no downloads here). Idempotent.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

quiet() { # run "$@" silently; show its output only when it fails
  local log rc=0; log=$(mktemp)
  "$@" >"$log" 2>&1 || rc=$?
  [ "$rc" -eq 0 ] || cat "$log" >&2
  rm -f "$log"; return "$rc"
}

if [ ! -x /usr/bin/chromium ]; then
  quiet apt-get update -qq
  quiet apt-get install -y -qq chromium
fi
echo "chromium ready: /usr/bin/chromium"
