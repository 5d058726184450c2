#!/usr/bin/env bash
# Installs what a fresh machine lacks of the tools named (default: redis
# and tmux): redis (redis-server: the sandbox and the tests start real
# servers, never mocks), tmux (the end-to-end test drives the TUI in it)
# and servers (what tools/servers.sh needs to unpack Redis 8.0 and Valkey
# 8.1 from Debian packages: apt-get, dpkg-deb and the Debian archive
# keyring). `make run` asks for redis only. Safe to run again.
set -euo pipefail

want=("$@")
[ ${#want[@]} -eq 0 ] && want=(redis tmux)
need=()
for w in "${want[@]}"; do
  case $w in
    redis) command -v redis-server >/dev/null 2>&1 || command -v valkey-server >/dev/null 2>&1 || need+=(redis) ;;
    tmux) command -v tmux >/dev/null 2>&1 || need+=(tmux) ;;
    servers)
      if ! command -v apt-get >/dev/null 2>&1 || ! command -v dpkg-deb >/dev/null 2>&1; then
        echo "deps: tools/servers.sh needs apt-get and dpkg-deb (Debian or Ubuntu); elsewhere point LUASCOPE_REDIS_SERVER at servers you installed" >&2
        exit 1
      fi
      [ -r /usr/share/keyrings/debian-archive-keyring.gpg ] || need+=(keyring) ;;
    *) echo "deps: unknown tool $w (want redis, tmux or servers)" >&2; exit 2 ;;
  esac
done
[ ${#need[@]} -eq 0 ] && exit 0

echo "deps: installing ${need[*]}" >&2
if command -v apt-get >/dev/null 2>&1; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  pkgs=()
  for n in "${need[@]}"; do
    case $n in redis) pkgs+=(redis-server) ;; tmux) pkgs+=(tmux) ;; keyring) pkgs+=(debian-archive-keyring) ;; esac
  done
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${pkgs[@]}" >&2
  # Debian's package starts a system service on 6379 where an init system
  # runs; luascope's tests never use it, so leave it be.
elif command -v brew >/dev/null 2>&1; then
  brew install "${need[@]}"
else
  echo "deps: please install ${need[*]} (redis-server 7.0 or newer, or valkey-server) and re-run" >&2
  exit 1
fi
