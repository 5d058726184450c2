#!/usr/bin/env bash
# Large replies, whole processes, against redis-cli on the same server:
# paired and interleaved (A, B, A, B…), ROUNDS rounds, medians of wall
# time and peak RSS (/usr/bin/time), and the ratio of the medians.
#
#   .ci/bench-reply.sh [LUASCOPE] [BASE_LUASCOPE]
#
# LUASCOPE defaults to bin/luascope (make build). With BASE_LUASCOPE, that
# binary is measured in the same rounds too (before → after). Not part of
# make test: it takes a minute and its figures depend on the machine.
set -euo pipefail
LS=${1:-bin/luascope}
BASE=${2:-}
ROUNDS=${ROUNDS:-7}
PORT=${PORT:-$((20000 + RANDOM % 20000))}
tmp=$(mktemp -d)
redis-server --port "$PORT" --save '' --appendonly no --daemonize yes --pidfile "$tmp/redis.pid" --logfile "$tmp/redis.log"
trap 'kill "$(cat "$tmp/redis.pid")" 2>/dev/null; rm -rf "$tmp"' EXIT
for _ in $(seq 50); do redis-cli -p "$PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done

INTS='local t={} for i=1,1000000 do t[i]=i end return t'
BULK="return string.rep('x', 100*1024*1024)"

# measure NAME CMD…: one run, appends "wall_s rss_kb" to $tmp/NAME.
measure() {
	local name=$1; shift
	/usr/bin/time -f '%e %M' -o "$tmp/t" "$@" >"$tmp/out" 2>/dev/null || true
	cat "$tmp/t" >>"$tmp/$name"
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

row() { # row LABEL SCRIPT LUASCOPE-FLAGS…
	local label=$1 script=$2; shift 2
	rm -f "$tmp"/{cli,new,base}
	for _ in $(seq "$ROUNDS"); do
		measure cli redis-cli -p "$PORT" --no-raw EVAL "$script" 0
		measure new "$LS" run -p "$PORT" --no-history "$@" -e "$script"
		[ -n "$BASE" ] && measure base "$BASE" run -p "$PORT" --no-history "$@" -e "$script"
	done
	local cw cm nw nm
	cw=$(cut -d' ' -f1 "$tmp/cli" | median); cm=$(cut -d' ' -f2 "$tmp/cli" | median)
	nw=$(cut -d' ' -f1 "$tmp/new" | median); nm=$(cut -d' ' -f2 "$tmp/new" | median)
	printf '%-28s redis-cli %5.2fs %4d MiB | luascope %5.2fs %4d MiB | ratio wall %.2f, peak %.2f\n' \
		"$label" "$cw" $((${cm%.*} / 1024)) "$nw" $((${nm%.*} / 1024)) "$(echo "$nw / $cw" | bc -l)" "$(echo "$nm / $cm" | bc -l)"
	if [ -n "$BASE" ]; then
		local bw bm
		bw=$(cut -d' ' -f1 "$tmp/base" | median); bm=$(cut -d' ' -f2 "$tmp/base" | median)
		printf '%-28s before: luascope %5.2fs %4d MiB | ratio wall %.2f, peak %.2f\n' "" "$bw" $((${bm%.*} / 1024)) \
			"$(echo "$bw / $cw" | bc -l)" "$(echo "$bm / $cm" | bc -l)"
	fi
}
row "1M integers, text" "$INTS"
row "1M integers, --json" "$INTS" --json
row "100 MiB bulk, text" "$BULK"
