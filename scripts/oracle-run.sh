#!/usr/bin/env bash
# Starts beamcheck's real-OTP driver (drivers/elixir/driver.exs) on one oracle, speaking the driver
# protocol on stdin/stdout:
#
#   scripts/oracle-run.sh beam     # the host's Elixir (Debian bookworm: Elixir 1.14 / OTP 25)
#   scripts/oracle-run.sh beam27   # the trixie root of scripts/oracle-setup.sh (Elixir 1.18 / OTP 27)
#
# For beam27 the script is copied into the root's /tmp under a name derived from its content (so
# concurrent runs of different versions do not clash) and run there with chroot, which needs root.
# BEAMCHECK_ORACLE_ROOT selects another root.
#
# The VM runs with scheduler busy-waiting off (+sbwt none, also for dirty schedulers). A spinning
# scheduler uses up its CPU share, so on a loaded machine the kernel then runs it late: measured
# here with two CPU hogs on two cores, a 20 ms Process.sleep overshot by 590 ms at p90 with the
# default flags and by 17 ms (worst 60-90 ms) with these. Timing outcomes (call and await timeouts
# against sleeps) depend on that latency.
set -euo pipefail

vm_flags="+sbwt none +sbwtdcpu none +sbwtdio none"

project=$(cd "$(dirname "$0")/.." && pwd)
driver="$project/drivers/elixir/driver.exs"

fail() {
  echo "oracle-run: $*" >&2
  exit 2
}

case "${1:-}" in
beam)
  command -v elixir >/dev/null 2>&1 || fail "elixir is not installed (apt-get install elixir)"
  exec elixir --erl "$vm_flags" "$driver"
  ;;
beam27)
  root=${BEAMCHECK_ORACLE_ROOT:-$project/.oracle/trixie-root}
  [ -x "$root/usr/bin/elixir" ] || fail "no oracle root at $root: run scripts/oracle-setup.sh (as root)"
  [ "$(id -u)" -eq 0 ] || fail "beam27 runs the driver with chroot, which needs root"
  chroot=$(PATH="$PATH:/usr/sbin:/sbin" command -v chroot) || fail "chroot is not installed"
  name="beamcheck-driver-$(sha256sum "$driver" | cut -c1-16).exs"
  if [ ! -f "$root/tmp/$name" ]; then
    mkdir -p "$root/tmp"
    # copies of other versions: elixir reads its script only when it starts
    find "$root/tmp" -maxdepth 1 -name 'beamcheck-driver-*.exs' -mmin +60 -delete 2>/dev/null || true
    cp "$driver" "$root/tmp/$name.$$"
    mv -f "$root/tmp/$name.$$" "$root/tmp/$name"
  fi
  exec env -i PATH=/usr/local/bin:/usr/bin:/bin HOME=/root LANG=C.UTF-8 LC_ALL=C.UTF-8 \
    "$chroot" "$root" elixir --erl "$vm_flags" "/tmp/$name"
  ;;
*)
  fail "usage: $0 beam|beam27"
  ;;
esac
