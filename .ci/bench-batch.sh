#!/usr/bin/env bash
# Compares `luascope batch` with redis-benchmark at equal pipelining: the
# same script (INCRBY through EVALSHA), the same number of calls, one
# connection, 64 calls per round trip, on a private redis-server started
# here on a free loopback port (never 6379). Not part of `make test`.
#
#   .ci/bench-batch.sh                 # N=200000 calls, PIPELINE=64, 3 rounds each
#   N=500000 ROUNDS=5 .ci/bench-batch.sh
#   PIN=0 .ci/bench-batch.sh           # let the OS place the processes
#
# With taskset and two CPUs or more, the server runs on CPU 0 and each
# client on CPU 1 (PIN=1, the default): client and server on separate
# cores, as across a network. Unpinned, a single-threaded client that the
# OS happens to put on the server's CPU gets a ping-pong advantage (on a
# 2-core VM redis-benchmark then measured ~470k calls/s instead of ~285k,
# while luascope, whose goroutines hand off across threads, stayed at
# ~300k either way), so unpinned figures mostly measure placement.
#
# Prints each tool's calls/s (the median of the rounds), the ratio
# luascope / redis-benchmark of the medians and the median of the rounds'
# paired ratios (less sensitive to a noisy machine); the goal is >= 1.0 (issue 12; make bench-cli measures it too). luascope's figure is
# its own (calls answered per second of the batch, from the --json
# summary); the wall-clock figure, process start and connect included,
# is printed too.
set -euo pipefail
cd "$(dirname "$0")/.."

N=${N:-200000}
PIPELINE=${PIPELINE:-64}
ROUNDS=${ROUNDS:-3}
PIN=${PIN:-1}
SCRIPT="return redis.call('INCRBY', KEYS[1], ARGV[1])"

for tool in redis-server redis-cli redis-benchmark go; do
  command -v "$tool" >/dev/null 2>&1 || { echo "bench-batch: $tool not found on PATH" >&2; exit 1; }
done

work=$(mktemp -d)
pid=""
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

# A free port: random in 20000-59999, not 6379, nothing listening there.
port=""
for _ in $(seq 50); do
  p=$((20000 + RANDOM % 40000))
  if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then port=$p; break; fi
done
[ -n "$port" ] || { echo "bench-batch: no free port found" >&2; exit 1; }

server_cpu=() client_cpu=() placement="unpinned"
if [ "$PIN" = 1 ] && command -v taskset >/dev/null 2>&1 && [ "$(getconf _NPROCESSORS_ONLN)" -ge 2 ]; then
  server_cpu=(taskset -c 0) client_cpu=(taskset -c 1) placement="server on CPU 0, clients on CPU 1"
fi

"${server_cpu[@]}" redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$work" \
  --logfile "$work/redis.log" --daemonize no &
pid=$!
for _ in $(seq 100); do
  redis-cli -p "$port" ping >/dev/null 2>&1 && break
  sleep 0.05
done
redis-cli -p "$port" ping >/dev/null

go build -o "$work/luascope" .
printf '%s\n' "$SCRIPT" > "$work/incr.lua"
sha=$(redis-cli -p "$port" script load "$SCRIPT")
awk -v n="$N" 'BEGIN { for (i = 0; i < n; i++) printf "key:%d , 1\n", i % 100000 }' > "$work/calls.txt"

median() { sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

rb_cmd=("${client_cpu[@]}" redis-benchmark -p "$port" -n "$N" -P "$PIPELINE" -c 1 -r 100000 --csv EVALSHA "$sha" 1 key:__rand_int__ 1)
ls_cmd=("${client_cpu[@]}" "$work/luascope" batch -p "$port" --json --pipeline "$PIPELINE" "$work/incr.lua" --input "$work/calls.txt")

rb_runs=() ls_runs=() wall_runs=() ratio_runs=()
for r in $(seq "$ROUNDS"); do
  # CSV: "test","rps",…
  rb=$("${rb_cmd[@]}" | awk -F'"' 'NR > 1 && $4 != "" { print $4; exit }')
  rb_runs+=("$rb")
  start=$(date +%s.%N)
  summary=$("${ls_cmd[@]}" | tail -n 1)
  end=$(date +%s.%N)
  ls=$(printf '%s' "$summary" | sed -n 's/.*"calls_per_sec":\([0-9.e+]*\).*/\1/p')
  ok=$(printf '%s' "$summary" | sed -n 's/.*"outcomes":{[^}]*"ok":\([0-9]*\).*/\1/p')
  [ "$ok" = "$N" ] || { echo "bench-batch: luascope answered $ok of $N calls ok:" >&2; echo "$summary" >&2; exit 1; }
  ls_runs+=("$ls")
  wall_runs+=("$(awk -v n="$N" -v s="$start" -v e="$end" 'BEGIN { printf "%.0f", n / (e - s) }')")
  ratio_runs+=("$(awk -v a="$ls" -v b="$rb" 'BEGIN { printf "%.3f", a / b }')")
  printf 'round %d: redis-benchmark %.0f calls/s, luascope batch %.0f calls/s (wall clock %s), ratio %s\n' \
    "$r" "$rb" "$ls" "${wall_runs[-1]}" "${ratio_runs[-1]}"
done

rb=$(printf '%s\n' "${rb_runs[@]}" | median)
ls=$(printf '%s\n' "${ls_runs[@]}" | median)
wall=$(printf '%s\n' "${wall_runs[@]}" | median)
echo
echo "redis-server $(redis-server --version | sed -n 's/.*v=\([^ ]*\).*/\1/p') on 127.0.0.1:$port, $N calls, pipeline $PIPELINE, 1 connection, median of $ROUNDS, $placement"
echo "  redis-benchmark: ${rb_cmd[*]}"
echo "  luascope:        ${client_cpu[*]} luascope batch -p $port --json --pipeline $PIPELINE incr.lua --input calls.txt"
printf '  redis-benchmark  %10.0f calls/s\n' "$rb"
printf '  luascope batch   %10.0f calls/s  (wall clock, start and connect included: %s calls/s)\n' "$ls" "$wall"
awk -v a="$ls" -v b="$rb" 'BEGIN { printf "  ratio            %10.2f  of the medians (goal >= 1.0)\n", a / b }'
printf '  paired ratio     %10.2f  median of the per-round ratios (the two tools run back to back)\n' \
  "$(printf '%s\n' "${ratio_runs[@]}" | median)"
