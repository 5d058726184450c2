#!/usr/bin/env bash
# bench_tui.sh — the TUI and huge-script figures of docs/performance.md, paired and interleaved.
#
#   tools/bench_tui.sh [-n ROUNDS] [-o OLD_BINARY] [-t first|key|big|rss|all]
#
# Starts a private redis-server on a free port, writes the test scripts to a temporary directory and
# measures luascope (bin/luascope, built here) against OLD_BINARY when given, and against vim -u NONE
# (first frame) and redis-cli --eval (10 MB script):
#   first  start to first frame, 10,000-line script (tools/ptytime on a pseudo-terminal)
#   key    ctrl+r to the first frame that shows the run (tools/ptytime)
#   big    `run` of a 10 MB script vs redis-cli --eval, wall time, medians and paired ratios
#   rss    VmHWM and VmRSS of the TUI 3 s and 8 s after a 1,000,000-element reply is shown (tmux)
# History goes to a temporary XDG_STATE_HOME, so no real history is read or written.
set -euo pipefail
cd "$(dirname "$0")/.."
N=11 OLD="" WHAT=all
while getopts n:o:t: o; do case $o in n) N=$OPTARG ;; o) OLD=$OPTARG ;; t) WHAT=$OPTARG ;; *) exit 2 ;; esac; done

TMP=$(mktemp -d)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
redis-server --port "$PORT" --save '' --appendonly no --daemonize yes --pidfile "$TMP/redis.pid" --logfile "$TMP/redis.log" --dir "$TMP"
trap 'kill "$(cat "$TMP/redis.pid")" 2>/dev/null; rm -rf "$TMP"' EXIT
export XDG_STATE_HOME=$TMP/state
mkdir -p "$XDG_STATE_HOME"
go build -o bin/luascope . && go build -o "$TMP/ptytime" ./tools/ptytime
NEW=$PWD/bin/luascope
sleep 0.3

{ echo "-- ptytime-mark first line"; for i in $(seq 1 9998); do echo "redis.call('get', KEYS[1]) -- comment $i"; done; echo "return 1"; } > "$TMP/s10k.lua"
blk="if redis.call('INCR', KEYS[1]) > tonumber(ARGV[1]) then
  redis.call('EXPIRE', KEYS[1], 60) -- window
end"
{ echo "-- 10 MB script"; for i in $(seq 1 98922); do echo "$blk"; done; echo "return redis.call('GET', KEYS[1])"; } > "$TMP/big10.lua"
printf -- "-- 1M reply\nlocal t = {}\nfor i = 1, 1000000 do t[i] = i end\nreturn t\n" > "$TMP/m1.lua"

cmds=()
[ -n "$OLD" ] && cmds+=(-cmd "$OLD -p $PORT $TMP/s10k.lua k")
cmds+=(-cmd "$NEW -p $PORT $TMP/s10k.lua k")

if [[ $WHAT == first || $WHAT == all ]]; then
	"$TMP/ptytime" -n "$N" -until ptytime-mark -cmd "vim -u NONE -n $TMP/s10k.lua" "${cmds[@]}"
fi
if [[ $WHAT == key || $WHAT == all ]]; then
	"$TMP/ptytime" -n "$N" -until ptytime-mark -key '\x12' -after evalsha-load -settle 300ms "${cmds[@]}" | sed -n '/key to reaction/,$p'
fi
if [[ $WHAT == big || $WHAT == all ]]; then
	progs=("redis-cli -p $PORT --eval $TMP/big10.lua k , 5")
	[ -n "$OLD" ] && progs+=("$OLD run -p $PORT --no-history $TMP/big10.lua k , 5")
	progs+=("$NEW run -p $PORT --no-history $TMP/big10.lua k , 5")
	for r in $(seq 1 "$N"); do
		for i in "${!progs[@]}"; do
			t0=$(date +%s%N); ${progs[$i]} >/dev/null 2>&1; t1=$(date +%s%N)
			echo "$i $(( (t1 - t0) / 1000 ))"
		done
	done > "$TMP/big.txt"
	for i in "${!progs[@]}"; do
		med=$(awk -v i="$i" '$1 == i { print $2 }' "$TMP/big.txt" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] / 1000 }')
		echo "10 MB script: ${progs[$i]}: median $med ms"
	done
fi
if [[ $WHAT == rss || $WHAT == all ]]; then
	for bin in $OLD $NEW; do
		for extra in "" --explain; do
			S=bench_tui_$$
			tmux new-session -d -s "$S" -x 120 -y 40 "$bin -p $PORT $extra $TMP/m1.lua"
			sleep 1.5
			pid=$(tmux list-panes -t "$S" -F '#{pane_pid}')
			tmux send-keys -t "$S" C-r
			for _ in $(seq 1 120); do sleep 0.5; tmux capture-pane -p -t "$S" | grep -q 1000000 && break; done
			sleep 3; a=$(awk '/VmHWM|VmRSS/ { printf "%s %d MB  ", $1, $2 / 1024 }' "/proc/$pid/status")
			sleep 5; b=$(awk '/VmRSS/ { printf "%d MB", $2 / 1024 }' "/proc/$pid/status")
			tmux kill-session -t "$S"
			echo "1M reply: $bin $extra: $a then VmRSS $b"
		done
	done
fi
