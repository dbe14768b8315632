#!/usr/bin/env bash
# Creates beamcheck's second real-OTP oracle: a Debian trixie root with Elixir 1.18 / OTP 27, made
# with debootstrap from the host's own Debian mirror (docs/driver-protocol.md, oracle-notes.md).
#
#   scripts/oracle-setup.sh          # creates .oracle/trixie-root, or says it is ready
#
# Idempotent: a root that was completed before (marked by .beamcheck-ready inside it) is left as it
# is and the script returns at once. A root left half-made by an interrupted run is removed and made
# again. The script never touches the host's apt sources; if debootstrap is missing it installs the
# host's `debootstrap` package. Beside the root it records the versions it got
# (.oracle/trixie-root.dpkg.txt: `dpkg -l` of the root's erlang/elixir packages), because the
# mirror moves at each point release and oracle results depend on them.
#
# Needs: root (debootstrap and chroot), debootstrap, about 300 MB free under .oracle/, and network
# access to the mirror. Environment: BEAMCHECK_ORACLE_ROOT (another place for the root),
# BEAMCHECK_DEBIAN_MIRROR (another mirror than the host's).
set -euo pipefail

project=$(cd "$(dirname "$0")/.." && pwd)
root=${BEAMCHECK_ORACLE_ROOT:-$project/.oracle/trixie-root}
suite=trixie
ready="$root/.beamcheck-ready"
versions="$root.dpkg.txt"
need_mb=400

say() { echo "oracle-setup: $*" >&2; }

needs() {
  say "cannot create the $suite oracle root: $1"
  say "it needs: root privileges (debootstrap, chroot), the debootstrap package, about 300 MB of free"
  say "disk under $(dirname "$root"), and network access to a Debian mirror (the host's own, or"
  say "BEAMCHECK_DEBIAN_MIRROR). The host's apt sources are never changed."
  exit 1
}

record_versions() { # ROOT: the root's erlang/elixir packages, beside it
  chroot "$1" dpkg -l | awk 'NR <= 5 || $2 ~ /^(erlang|elixir)/' >"$versions"
}

# ---- fast path: the root is complete
if [ -f "$ready" ]; then
  if [ ! -s "$versions" ] && [ "$(id -u)" -eq 0 ]; then record_versions "$root"; fi
  say "ready: $root ($(cat "$ready"))"
  exit 0
fi

[ "$(id -u)" -eq 0 ] || needs "it must run as root"

host_mirror() { # the first .../debian URI of the host's apt sources
  local uri
  uri=$(awk '/^URIs:/ { for (i = 2; i <= NF; i++) if ($i ~ /\/debian\/?$/) { print $i; exit } }' \
    /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n 1)
  [ -n "$uri" ] || uri=$(awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^(https?|file):.*\/debian\/?$/) { print $i; exit } }' \
    /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null | head -n 1)
  echo "$uri"
}
mirror=${BEAMCHECK_DEBIAN_MIRROR:-$(host_mirror)}
[ -n "$mirror" ] || needs "no Debian mirror found in the host's apt sources (set BEAMCHECK_DEBIAN_MIRROR)"

if ! command -v debootstrap >/dev/null 2>&1 && [ ! -x /usr/sbin/debootstrap ]; then
  command -v apt-get >/dev/null 2>&1 || needs "debootstrap is not installed and there is no apt-get"
  say "installing the host's debootstrap package"
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends debootstrap </dev/null >/dev/null ||
    needs "apt-get install debootstrap failed (run apt-get update first?)"
fi
export PATH="$PATH:/usr/sbin:/sbin"

parent=$(dirname "$root")
mkdir -p "$parent"
free_mb=$(df -Pm "$parent" | awk 'NR == 2 { print $4 }')
[ "${free_mb:-0}" -ge "$need_mb" ] || needs "only ${free_mb} MB free under $parent (want $need_mb)"

unmount_under() { # DIR: unmounts anything left mounted below DIR (debootstrap mounts proc and sys)
  local dir=$1 mnt
  for mnt in $(awk -v d="$dir/" 'index($2, d) == 1 { print $2 }' /proc/mounts | sort -r); do
    umount -l "$mnt" 2>/dev/null || true
  done
}

remove_root() { # DIR: removes a root that is not in use
  unmount_under "$1"
  if awk -v d="$1/" 'index($2, d) == 1 { found = 1 } END { exit !found }' /proc/mounts; then
    say "$1 still has mounts below it; unmount them and run again"
    exit 1
  fi
  rm -rf --one-file-system "$1"
}

if [ -e "$root" ]; then
  say "removing the incomplete root $root"
  remove_root "$root"
fi
for stale in "$root".partial-*; do # left by a run that was killed
  if [ -d "$stale" ]; then remove_root "$stale"; fi
  rm -f "$stale.log"
done

work="$root.partial-$$"
trap 'remove_root "$work"' EXIT
say "debootstrap $suite from $mirror into $root (about 30 s)"
if ! debootstrap --variant=minbase --include=elixir "$suite" "$work" "$mirror" >"$work.log" 2>&1; then
  tail -n 5 "$work.log" >&2 || true
  rm -f "$work.log"
  needs "debootstrap failed (see the lines above)"
fi
rm -f "$work.log"
unmount_under "$work"
chroot "$work" apt-get clean
version=$(chroot "$work" elixir --version 2>/dev/null | tr '\n' ' ' | sed 's/  */ /g; s/ $//')
[ -n "$version" ] || needs "elixir does not run inside the new root"

mv "$work" "$root"
trap - EXIT
record_versions "$root"
echo "$version" >"$ready"
say "ready: $root ($version); versions in $versions"
