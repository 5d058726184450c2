#!/usr/bin/env bash
# Paired, interleaved runs of `luascope run` (a warm tiny script) and
# `redis-cli --eval` against the same server: prints the median wall
# time of each and the ratio. Usage:
#
#   tools/bench_startup.sh [-n RUNS] [-b LUASCOPE_BINARY] [-o OLD_BINARY] [-d ONE_WAY_DELAY] HOST:PORT
#
# -o interleaves a third client, another luascope binary (before/after).
# -d (e.g. 50ms) puts both behind tools/rttproxy, each direction delayed,
# and prints the round trips the proxy counted per run of each client.
set -euo pipefail
runs=40 bin=bin/luascope delay= old=
while getopts n:b:o:d: o; do
	case $o in
	n) runs=$OPTARG ;; b) bin=$OPTARG ;; o) old=$OPTARG ;; d) delay=$OPTARG ;; *) exit 2 ;;
	esac
done
shift $((OPTIND - 1))
addr=${1:?HOST:PORT}
tmp=$(mktemp -d)
trap 'kill ${proxy:-} 2>/dev/null || true; rm -rf "$tmp"' EXIT
export XDG_STATE_HOME=$tmp/state XDG_CONFIG_HOME=$tmp/config
echo 'return 1' >"$tmp/tiny.lua"
target=$addr
if [[ -n $delay ]]; then
	port=$((20000 + RANDOM % 20000))
	go build -o "$tmp/rttproxy" ./tools/rttproxy/cmd/rttproxy
	"$tmp/rttproxy" -listen 127.0.0.1:$port -upstream "$addr" -delay "$delay" >"$tmp/proxy.out" 2>/dev/null &
	proxy=$!
	sleep 0.3
	target=127.0.0.1:$port
fi
host=${target%:*} p=${target##*:}
"$bin" run -h "$host" -p "$p" "$tmp/tiny.lua" >/dev/null # warm: the script is cached
ms() { local s=$(date +%s%N); "$@" >/dev/null; echo $((($(date +%s%N) - s) / 1000)); }
for ((i = 0; i < runs; i++)); do
	ms "$bin" run -h "$host" -p "$p" "$tmp/tiny.lua" >>"$tmp/l"
	ms redis-cli -h "$host" -p "$p" --eval "$tmp/tiny.lua" >>"$tmp/r"
	if [[ -n $old ]]; then ms "$old" run -h "$host" -p "$p" "$tmp/tiny.lua" >>"$tmp/o"; fi
done
med() { sort -n "$1" | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }
l=$(med "$tmp/l") r=$(med "$tmp/r")
printf 'luascope run   median %7.2f ms\nredis-cli      median %7.2f ms\nratio          %.2f (%d paired runs)\n' \
	"$(bc -l <<<"$l/1000")" "$(bc -l <<<"$r/1000")" "$(bc -l <<<"$l/$r")" "$runs"
if [[ -n $old ]]; then
	o=$(med "$tmp/o")
	printf '%-14s median %7.2f ms, ratio %.2f\n' "$(basename "$old")" "$(bc -l <<<"$o/1000")" "$(bc -l <<<"$o/$r")"
fi
if [[ -n $delay ]]; then
	# Round trips per client: one more run of each, counted alone.
	for who in "$bin" redis-cli $old; do
		kill $proxy 2>/dev/null || true
		wait $proxy 2>/dev/null || true
		"$tmp/rttproxy" -listen 127.0.0.1:$port -upstream "$addr" -delay "$delay" >"$tmp/proxy.out" 2>/dev/null &
		proxy=$!
		sleep 0.3
		if [[ $who == redis-cli ]]; then redis-cli -h "$host" -p "$p" --eval "$tmp/tiny.lua" >/dev/null; else "$who" run -h "$host" -p "$p" "$tmp/tiny.lua" >/dev/null; fi
		kill -INT $proxy; wait $proxy 2>/dev/null || true
		echo "$who: $(cat "$tmp/proxy.out")"
	done
fi
