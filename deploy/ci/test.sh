#!/usr/bin/env bash
# Herald's one test command (`npm test`): provisions what the tests need when it is not already there
# (npm packages; RabbitMQ and OpenLDAP from apt; FerretDB v1.24.2 built from the Go module proxy with two
# small patches, see deploy/ci/start-ferretdb.sh), builds, then runs every tier:
# unit, integration (real RabbitMQ / FerretDB or MongoDB / slapd), end-to-end (both modes) and deploy checks.
# Set AMQP_URL, MONGODB_URL, LDAP_URL (+ LDAP_BIND_DN, LDAP_BIND_PASSWORD, LDAP_BASE_DN) to use your own servers.
# Pass tier names to run only some: `npm test -- unit`.
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$REPO"
started=$(date +%s)
echo "== provisioning test servers (idempotent)"
settings=$(bash deploy/ci/provision.sh)
echo "$settings" | grep -v PASSWORD || true
# Export what provision reports, without overriding anything the caller set.
while IFS='=' read -r key value; do
  case "$key" in AMQP_URL|MONGODB_URL|LDAP_URL|LDAP_BIND_DN|LDAP_BIND_PASSWORD|LDAP_BASE_DN) [ -n "${!key:-}" ] || export "$key=$value";; esac
done <<<"$(echo "$settings" | grep -E '^[A-Z_]+=')"
echo "== building ($(( $(date +%s) - started )) s so far)"
npm run build --silent
echo "== running tests"
rc=0
node scripts/run-tests.mjs "$@" || rc=$?
echo "== total $(( $(date +%s) - started )) s"
exit "$rc"
