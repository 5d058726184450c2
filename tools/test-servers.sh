#!/usr/bin/env bash
# Runs every test once per server: the redis-server on PATH (Redis 7.0.15
# on Debian bookworm) and the servers tools/servers.sh unpacks (Redis
# 8.0.2, Valkey 8.1.1), each named to the sandbox by LUASCOPE_REDIS_SERVER,
# so tests that start servers run on it, and the e2e tests' luascope too.
# Prints a summary per server; exits 1 when any run failed.
#
#   TEST_SERVERS="system valkey-8.1.1"   which servers (default: all three)
#   TEST_SERVERS_FLAGS="-race"           extra go test flags (default none)
#   TEST_SERVERS_PKGS="./redisx/..."     packages (default ./...)
#
# Full logs go to bin/test-servers/NAME.log.
set -euo pipefail
cd "$(dirname "$0")/.."

GO=${GO:-go}
servers=${TEST_SERVERS:-system redis-8.0.2 valkey-8.1.1}
pkgs=${TEST_SERVERS_PKGS:-./...}
logs=bin/test-servers
mkdir -p "$logs"

# Resolve every binary first: a mirror that cannot be reached fails here,
# before minutes of tests.
names=() bins=()
for s in $servers; do
  if [ "$s" = system ]; then
    b=$(command -v redis-server || command -v valkey-server || true)
    [ -n "$b" ] || { echo "test-servers: no redis-server or valkey-server on PATH (make deps)" >&2; exit 1; }
  else
    b=$(tools/servers.sh "$s")
  fi
  names+=("$s") bins+=("$b")
done

summary=() failed=0
for i in "${!names[@]}"; do
  bin=${bins[$i]}
  version=$("$bin" --version | awk '{for (i = 1; i <= NF; i++) if ($i ~ /^v=/) {print tolower($1) " " substr($i, 3); exit}}')
  log=$logs/${names[$i]}.log
  echo "test-servers: $version ($bin): go test -count=1 ${TEST_SERVERS_FLAGS:-} $pkgs" >&2
  start=$(date +%s)
  # shellcheck disable=SC2086 # flag and package lists
  if LUASCOPE_REDIS_SERVER=$bin $GO test -count=1 ${TEST_SERVERS_FLAGS:-} $pkgs >"$log" 2>&1; then
    status=PASS
  else
    status=FAIL failed=1
  fi
  took=$(($(date +%s) - start))
  oks=$(grep -c '^ok ' "$log" || true)
  # Each failed top-level test, then its package in brackets.
  bad=$(grep -E '^--- FAIL: |^FAIL[[:space:]]+[^[:space:]]' "$log" |
    sed -E 's/^--- FAIL: ([^ ]+).*/\1/; s/^FAIL[[:space:]]+([^[:space:]]+).*/[\1]/' | tr '\n' ' ' || true)
  line="$version: $status, $oks packages ok, ${took}s"
  if [ "$status" != PASS ]; then
    line="$line; failed: $bad(log: $log)"
    # CI shows only this output: each failure's own lines, not just its name.
    grep -E -A40 '^--- FAIL: |^panic: ' "$log" | head -300 >&2 || tail -50 "$log" >&2
  fi
  echo "test-servers: $line" >&2
  summary+=("$line")
done

echo
echo "test-servers summary:"
for l in "${summary[@]}"; do echo "  $l"; done
exit $failed
