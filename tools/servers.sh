#!/usr/bin/env bash
# Makes the newer servers luascope is tested on runnable here without
# installing them: Redis 8.0.2 and Valkey 8.1.1 as Debian trixie packages,
# unpacked into one private root each under the user cache dir and started
# through that root's own loader (its glibc, OpenSSL, jemalloc…), so a
# bookworm machine needs nothing system-wide. Prints one wrapper path per
# server on stdout; each wrapper runs like redis-server itself, so
# LUASCOPE_REDIS_SERVER=$(that path) or --server-bin takes it.
#
#   tools/servers.sh                  both servers
#   tools/servers.sh valkey-8.1.1     one
#
# Cached: a second run checks the wrappers and touches no network.
# LUASCOPE_SERVERS_DIR moves the cache; LUASCOPE_DEBIAN_MIRROR names the
# mirror (default: the machine's own Debian mirror, else deb.debian.org).
set -euo pipefail

# name | binary | packages | the Debian version the upstream one must match
SERVERS=(
  "redis-8.0.2|redis-server|redis-server redis-tools|5:8.0.2-"
  "valkey-8.1.1|valkey-server|valkey-server valkey-tools|8.1.1+"
)
# The libraries the servers link (ldd of both; OpenSSL needs zlib). Every
# one comes from trixie: the root's loader must not pick up bookworm's
# copies, which the check after unpacking proves.
LIBS="libc6 libstdc++6 libgcc-s1 libatomic1 libssl3t64 zlib1g libsystemd0 libcap2 libzstd1 liblz4-1 liblzma5 libgcrypt20 libgpg-error0 liblzf1 libjemalloc2"
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg

die() { echo "servers: $*" >&2; exit 1; }
say() { echo "servers: $*" >&2; }

cache=${LUASCOPE_SERVERS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/luascope/servers}

case $(uname -m) in
  x86_64) triplet=x86_64-linux-gnu loader=ld-linux-x86-64.so.2 ;;
  aarch64) triplet=aarch64-linux-gnu loader=ld-linux-aarch64.so.1 ;;
  *) die "no Debian packages wired up for $(uname -m); point LUASCOPE_REDIS_SERVER at a server you built" ;;
esac
[ "$(uname -s)" = Linux ] || die "needs Linux (Debian packages); elsewhere point LUASCOPE_REDIS_SERVER at a server you installed"

want=("$@")
if [ ${#want[@]} -eq 0 ]; then
  for s in "${SERVERS[@]}"; do want+=("${s%%|*}"); done
fi

# wrapper_ok says whether a wrapper exists and its server starts far enough
# to print the version it was built for: the whole cache check.
# LAYOUT changes when the wrappers do, so that an older cache is rebuilt.
LAYOUT="luascope-servers layout 2"
wrapper_ok() { # path version
  [ -x "$1" ] && grep -q "$LAYOUT" "$1" && "$1" --version 2>/dev/null | grep -q "v=$2 "
}

# The mirror: the machine's own (its sources name the archive serving
# bookworm or another Debian suite), so a machine behind a local mirror
# keeps using it.
mirror() {
  if [ -n "${LUASCOPE_DEBIAN_MIRROR:-}" ]; then
    echo "${LUASCOPE_DEBIAN_MIRROR%/}"
    return
  fi
  local m
  m=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null |
    grep -oE '(https?|file)://[^ ]*/debian/?( |$)' | grep -v security | head -n1 | tr -d ' ') || true
  echo "${m:-http://deb.debian.org/debian}" | sed 's:/*$::'
}

apt_dir=$cache/apt
APT=()
setup_apt() {
  local m sec
  m=$(mirror)
  # The security archive lives next to the main one on deb.debian.org and
  # on most mirrors (.../debian-security).
  sec=${LUASCOPE_DEBIAN_SECURITY_MIRROR:-${m%/debian}/debian-security}
  [ -r "$KEYRING" ] || die "$KEYRING is missing: install debian-archive-keyring (it signs trixie)"
  mkdir -p "$apt_dir"/etc/sources.list.d "$apt_dir"/etc/preferences.d "$apt_dir"/lists/partial "$apt_dir"/cache/archives/partial
  cat >"$apt_dir/etc/sources.list" <<EOF
deb [signed-by=$KEYRING] $m trixie main
deb [signed-by=$KEYRING] $sec trixie-security main
EOF
  : >>"$apt_dir/status"
  APT=(
    -o "Dir::Etc::SourceList=$apt_dir/etc/sources.list"
    -o "Dir::Etc::SourceParts=$apt_dir/etc/sources.list.d"
    -o "Dir::Etc::PreferencesParts=$apt_dir/etc/preferences.d"
    -o "Dir::State::Lists=$apt_dir/lists"
    -o "Dir::Cache=$apt_dir/cache"
    -o "Dir::State::status=$apt_dir/status"
    -o "APT::Architecture=$(dpkg --print-architecture)"
    -o "Acquire::Languages=none"
    -o "Acquire::IndexTargets::deb::DEP-11::DefaultEnabled=false"
    -o "Acquire::IndexTargets::deb::DEP-11-icons::DefaultEnabled=false"
    -o "Acquire::IndexTargets::deb::DEP-11-icons-hidpi::DefaultEnabled=false"
    -o "Acquire::IndexTargets::deb::Contents-deb::DefaultEnabled=false"
    -o "Acquire::http::Timeout=20"
    -o "Acquire::Retries=1"
  )
  # As root apt hands downloads to _apt, who cannot write in a private
  # cache under root's home.
  [ "$(id -u)" -eq 0 ] && APT+=(-o "APT::Sandbox::User=root")
  MIRROR=$m
}

updated=
apt_update() {
  [ -n "$updated" ] && return
  command -v apt-get >/dev/null 2>&1 && command -v dpkg-deb >/dev/null 2>&1 ||
    die "needs apt-get and dpkg-deb (Debian or Ubuntu) to fetch the trixie packages"
  setup_apt
  say "fetching the trixie package lists from $MIRROR (private apt dir $apt_dir)"
  local log
  log=$(apt-get "${APT[@]}" -q update --error-on=any 2>&1) ||
    die "cannot read trixie from $MIRROR: $(errs "$log")
servers: check the network, or set LUASCOPE_DEBIAN_MIRROR to a reachable Debian mirror"
  updated=1
}

# build unpacks one server into its root and writes its wrapper.
build() { # name bin packages debver
  local name=$1 bin=$2 pkgs=$3 debver=$4 ver=${1#*-}
  local root=$cache/$name wrapper=$cache/bin/$bin-$ver
  local debs=$cache/debs/$name
  if ! ls "$debs"/*.deb >/dev/null 2>&1; then
    apt_update
    local cand
    cand=$(apt-cache "${APT[@]}" policy "$bin" | awk '/Candidate:/ {print $2}')
    case $cand in
      "$debver"*) ;;
      "" | "(none)") die "trixie at $MIRROR has no $bin" ;;
      *) die "trixie now has $bin $cand, not ${debver%-}…: update SERVERS in tools/servers.sh and the per-server test expectations" ;;
    esac
    say "downloading $pkgs and their libraries ($bin $cand)"
    rm -rf "$debs.tmp" && mkdir -p "$debs.tmp"
    local log
    # shellcheck disable=SC2086 # word lists
    log=$(cd "$debs.tmp" && apt-get "${APT[@]}" -q download $pkgs $LIBS 2>&1) ||
      die "apt-get download failed: $(errs "$log")"
    rm -rf "$debs" && mv "$debs.tmp" "$debs"
  fi
  say "unpacking $name into $root"
  rm -rf "$root.tmp" && mkdir -p "$root.tmp"
  local d
  for d in "$debs"/*.deb; do dpkg-deb -x "$d" "$root.tmp"; done
  local lib=$root.tmp/usr/lib/$triplet
  [ -x "$lib/$loader" ] || die "$name: no loader $loader in the unpacked libc6"
  [ -e "$root.tmp/usr/bin/$bin" ] || die "$name: $bin is not in the packages $pkgs"
  # Every library must resolve inside the root: one taken from the host
  # would make a test pass for a server this machine could not run alone.
  local libs outside
  libs=$("$lib/$loader" --library-path "$lib" --list "$root.tmp/usr/bin/$bin" 2>&1) ||
    die "$name does not load: $libs"
  outside=$(echo "$libs" | grep '=>' | grep -v -F "$root.tmp/" | grep -v 'linux-vdso' || true)
  [ -z "$outside" ] || die "$name needs libraries from outside its root (add their packages to LIBS): $outside"
  # The loader under the server's own name: a process is named after the
  # file it executes, so ps, pgrep and the tests that look for the
  # sandbox's redis-server see "$bin", not "ld-linux-x86-64".
  mkdir -p "$root.tmp/loader"
  ln -s "../usr/lib/$triplet/$loader" "$root.tmp/loader/$bin"
  rm -rf "$root" && mv "$root.tmp" "$root"
  lib=$root/usr/lib/$triplet
  mkdir -p "$cache/bin"
  # exec keeps one process: the pid the sandbox started is the server's
  # (INFO process_id), and signals reach it directly.
  cat >"$wrapper.tmp" <<EOF
#!/bin/sh
# $name from Debian trixie, unpacked by luascope's tools/servers.sh
# ($LAYOUT); runs through its own loader and libraries, nothing from the
# host's.
exec "$root/loader/$bin" --library-path "$lib" "$root/usr/bin/$bin" "\$@"
EOF
  chmod +x "$wrapper.tmp" && mv "$wrapper.tmp" "$wrapper"
  wrapper_ok "$wrapper" "$ver" || die "$wrapper does not report v=$ver: $("$wrapper" --version 2>&1 | head -n3)"
}

mkdir -p "$cache"
# One run at a time per cache: make test-servers in two worktrees at once
# must not unpack into the same root together.
exec 9>"$cache/.lock"
command -v flock >/dev/null 2>&1 && flock 9

for name in "${want[@]}"; do
  found=
  for s in "${SERVERS[@]}"; do
    IFS='|' read -r n bin pkgs debver <<<"$s"
    [ "$n" = "$name" ] || continue
    found=1
    ver=${n#*-}
    wrapper=$cache/bin/$bin-$ver
    wrapper_ok "$wrapper" "$ver" || build "$n" "$bin" "$pkgs" "$debver"
    echo "$wrapper"
  done
  [ -n "$found" ] || die "unknown server $name (known: $(for s in "${SERVERS[@]}"; do printf '%s ' "${s%%|*}"; done))"
done
