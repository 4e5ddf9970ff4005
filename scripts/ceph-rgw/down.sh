#!/usr/bin/env bash
# down.sh: stop the cluster that up.sh started in $RGW_DIR and delete the directory.
#
# Stops exactly that cluster's daemons: processes whose executable is radosgw, ceph-osd or ceph-mon AND whose
# command line names $RGW_DIR/ceph.conf (found through the recorded pid files and /proc), in the order
# radosgw -> osd -> mon. SIGTERM first, SIGKILL after RGW_STOP_WAIT_S (default 3) seconds; memstore data is
# thrown away anyway, so RGW_FAST_STOP=1 sends SIGKILL straight away.
#
# With RGW_LEASE_PID set (test harness, benchmark) it only drops that lease, and stops the cluster only when
# no live lease is left and the cluster was started by a leased up.sh. Without it, it always stops.
# Idempotent: no directory, nothing to do.
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
D=${RGW_DIR:-$REPO/.tmp/ceph-rgw}
case "$D" in /*) ;; *) D=$PWD/$D ;; esac
STOP_WAIT_S=${RGW_STOP_WAIT_S:-3}

log() { echo "[ceph-rgw down] $*"; }
# A killed daemon stays in /proc as a zombie until its parent (often pid 1) reaps it; that counts as gone.
alive() { [ -d "/proc/$1" ] && ! grep -qs '^State:[[:space:]]*Z' "/proc/$1/status"; }

if [ "${RGW_LOCK_HELD:-0}" != 1 ]; then
  mkdir -p "$(dirname "$D")"
  exec 9>"$D.lock"
  flock -w "${RGW_LOCK_WAIT_S:-600}" 9 || { echo "ceph-rgw down.sh FAILED: $D.lock still held after ${RGW_LOCK_WAIT_S:-600}s" >&2; exit 1; }
fi
[ -d "$D" ] || { log "no $D, nothing to do"; exit 0; }
if [ ! -f "$D/.ceph-rgw-dir" ] && [ -n "$(ls -A "$D")" ]; then
  echo "ceph-rgw down.sh FAILED: $D is not a cluster directory made by up.sh (no .ceph-rgw-dir marker); not touching it" >&2
  exit 1
fi

if [ -n "${RGW_LEASE_PID:-}" ]; then
  rm -f "$D/leases/$RGW_LEASE_PID"
  live=()
  for f in "$D"/leases/*; do
    [ -e "$f" ] || continue
    pid=$(basename "$f")
    if alive "$pid"; then live+=("$pid"); else rm -f "$f"; fi
  done
  if [ ${#live[@]} -gt 0 ]; then log "still used by pid(s) ${live[*]}: leaving it running"; exit 0; fi
  if [ ! -f "$D/auto-stop" ]; then log "$D was started by hand: leaving it running (stop it with down.sh)"; exit 0; fi
fi

# Candidate pids: the recorded ones plus every process that names our ceph.conf.
candidates=$(
  {
    [ -f "$D/pids" ] && awk '{print $1}' "$D/pids"
    cat "$D"/run/*.pid 2>/dev/null; echo
    grep -lsF -- "$D/ceph.conf" /proc/[0-9]*/cmdline | cut -d/ -f3
  } | grep -E '^[0-9]+$' | sort -un
)
is_ours() { # is_ours PID EXE-NAME
  local exe
  exe=$(readlink "/proc/$1/exe" 2>/dev/null) || return 1
  # Newer radosgw renames its main thread (comm is e.g. notif-worker0): match the executable instead.
  [ "$(basename "$exe")" = "$2" ] || return 1
  tr '\0' '\n' <"/proc/$1/cmdline" 2>/dev/null | grep -qxF -- "$D/ceph.conf"
}
stopped=0
for exe in radosgw ceph-osd ceph-mon; do
  for pid in $candidates; do
    is_ours "$pid" "$exe" || continue
    if [ "${RGW_FAST_STOP:-0}" = 1 ]; then sig=KILL; else sig=TERM; fi
    kill -"$sig" "$pid" 2>/dev/null
    waited=0
    while alive "$pid" && [ "$waited" -lt $((STOP_WAIT_S * 10)) ]; do sleep 0.1; waited=$((waited + 1)); done
    if alive "$pid"; then
      log "$exe pid $pid ignored SIGTERM for ${STOP_WAIT_S}s: SIGKILL"
      kill -KILL "$pid" 2>/dev/null
      sig="TERM+KILL"
      sleep 0.2
    fi
    alive "$pid" && { echo "ceph-rgw down.sh FAILED: $exe pid $pid survived SIGKILL" >&2; exit 1; }
    log "stopped $exe pid $pid (SIG$sig, $((waited * 100)) ms)"
    stopped=$((stopped + 1))
  done
done
rm -rf "$D"
log "stopped $stopped daemon(s), removed $D"
