#!/usr/bin/env bash
# up.sh: start a throw-away single-node Ceph cluster for the integration tests and the proxy benchmark.
#
#   one ceph-mon, one ceph-osd (memstore: RAM only, data is lost on stop), radosgw (beast), no ceph-mgr,
#   every daemon bound to 127.0.0.1, every file under $RGW_DIR, an S3 user, and $RGW_DIR/s3.env.
#
# Installs Debian's ceph packages (--no-install-recommends) when they are missing, so it works on a fresh CI
# machine (needs root and apt). Stop it with down.sh and the same RGW_DIR.
#
# Idempotent: when $RGW_DIR already holds a healthy cluster it is reused (exit 0, "reusing ..."); a stale or
# half-started one is stopped and replaced. A lock ($RGW_DIR.lock) serialises concurrent up.sh/down.sh runs.
#
# Environment (all optional):
#   RGW_DIR              cluster directory                       default <repo>/.tmp/ceph-rgw
#   RGW_PORT             S3 port (beast, 127.0.0.1)              default 7480
#   RGW_MON_V2_PORT      mon msgr2 port                          default 3300
#   RGW_MON_V1_PORT      mon legacy msgr1 port                   default 6789
#   RGW_MEMSTORE_BYTES   OSD capacity in bytes (RAM, on demand)  default 8589934592 (8 GiB)
#   RGW_ACCESS_KEY_ID / RGW_SECRET_ACCESS_KEY   keys of the S3 user "convex"   default fixed test keys
#   RGW_EXTRA_CONF       extra lines for the radosgw section of ceph.conf, e.g. 'debug rgw = 20'
#   RGW_LEASE_PID        pid of a process that uses the cluster (the test harness and the benchmark set it).
#                        A cluster started with a lease is stopped by the last `down.sh` with a lease; a
#                        cluster started without one (by hand) is left running by leased `down.sh` calls.
#   RGW_SKIP_INSTALL=1   never run apt
#   RGW_LOCK_WAIT_S      how long to wait for another up.sh/down.sh   default 600
#
# Output: $RGW_DIR/s3.env (S3_ENDPOINT_URL, AWS_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, CEPH_VERSION,
# CEPH_CONF), $RGW_DIR/ceph-version, logs in $RGW_DIR/log/ (this script's own log: $RGW_DIR/log/up.log).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
D=${RGW_DIR:-$REPO/.tmp/ceph-rgw}
case "$D" in /*) ;; *) D=$PWD/$D ;; esac
RGW_PORT=${RGW_PORT:-7480}
MON_V2_PORT=${RGW_MON_V2_PORT:-3300}
MON_V1_PORT=${RGW_MON_V1_PORT:-6789}
MEMSTORE_BYTES=${RGW_MEMSTORE_BYTES:-8589934592}
ACCESS_KEY=${RGW_ACCESS_KEY_ID:-CONVEXRGWTESTACCESS0}
SECRET_KEY=${RGW_SECRET_ACCESS_KEY:-convexrgwtestsecret00000000000000000000}
RGW_NAME=client.rgw.gw
CONF=$D/ceph.conf
T0=$(date +%s%N)

log() { local ms=$(( ($(date +%s%N) - T0) / 1000000 )); printf '[ceph-rgw up %3d.%03ds] %s\n' $((ms / 1000)) $((ms % 1000)) "$*"; }
die() {
  echo "" >&2
  echo "ceph-rgw up.sh FAILED: $*" >&2
  echo "  logs: $D/log/ (this script: $D/log/up.log)" >&2
  echo "  clean up: RGW_DIR=$D $HERE/down.sh" >&2
  exit 1
}
trap 'die "command failed at line $LINENO: $BASH_COMMAND"' ERR
# Every ceph CLI call is bounded.
ceph_() { timeout 30 ceph -c "$CONF" --connect-timeout 10 "$@"; }
port_in_use() { ss -Hltn "sport = :$1" | grep -q .; }
healthy() {
  [ -f "$D/s3.env" ] && [ -f "$D/pids" ] || return 1
  local pid
  while read -r pid _; do [ -d "/proc/$pid" ] || return 1; done <"$D/pids"
  curl -s -o /dev/null --max-time 2 "$(sed -n 's/^S3_ENDPOINT_URL=//p' "$D/s3.env")/"
}
add_lease() {
  [ -n "${RGW_LEASE_PID:-}" ] || return 0
  mkdir -p "$D/leases" && : >"$D/leases/$RGW_LEASE_PID"
}
# wait_for SECONDS WHAT COMMAND...: poll every 0.25 s until COMMAND succeeds.
wait_for() {
  local limit=$1 what=$2; shift 2
  local deadline=$(( $(date +%s) + limit ))
  until "$@" >/dev/null 2>&1; do
    [ "$(date +%s)" -lt "$deadline" ] || return 1
    sleep 0.25
  done
  log "$what"
}

for p in "$RGW_PORT" "$MON_V2_PORT" "$MON_V1_PORT"; do
  [[ "$p" =~ ^[0-9]+$ ]] && [ "$p" -ge 1 ] && [ "$p" -le 65535 ] || die "port '$p' is not a number in 1..65535"
done

# ------------------------------------------------------------------ lock
mkdir -p "$(dirname "$D")"
exec 9>"$D.lock"
flock -w "${RGW_LOCK_WAIT_S:-600}" 9 || die "another up.sh/down.sh still holds $D.lock after ${RGW_LOCK_WAIT_S:-600}s"

if healthy; then
  add_lease
  [ -n "${RGW_LEASE_PID:-}" ] || rm -f "$D/auto-stop"
  log "reusing the running cluster in $D ($(sed -n 's/^S3_ENDPOINT_URL=//p' "$D/s3.env"), ceph $(cat "$D/ceph-version"))"
  exit 0
fi
if [ -d "$D" ]; then
  log "stale or half-started cluster in $D: stopping it first"
  RGW_DIR=$D RGW_LOCK_HELD=1 "$HERE/down.sh" || die "could not stop the stale cluster in $D"
fi

# ------------------------------------------------------------------ packages
PKGS=(ceph-mon ceph-osd radosgw ceph-common)
missing=()
for p in "${PKGS[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
# this script's own tools (absent from minimal images)
command -v ss >/dev/null || missing+=(iproute2)
command -v curl >/dev/null || missing+=(curl)
if [ ${#missing[@]} -gt 0 ]; then
  [ "${RGW_SKIP_INSTALL:-0}" != 1 ] || die "packages missing (${missing[*]}) and RGW_SKIP_INSTALL=1"
  [ "$(id -u)" = 0 ] || die "packages missing (${missing[*]}); installing them needs root"
  APT_LOG=$(dirname "$D")/ceph-rgw-apt.log
  log "installing ${missing[*]} (log: $APT_LOG)"
  export DEBIAN_FRONTEND=noninteractive
  { timeout 300 apt-get -o DPkg::Lock::Timeout=120 update &&
    timeout 900 apt-get -o DPkg::Lock::Timeout=120 install -y --no-install-recommends "${missing[@]}"; } >"$APT_LOG" 2>&1 ||
    { tail -n 30 "$APT_LOG" >&2; D=$(dirname "$D") die "apt-get failed, see $APT_LOG"; }
fi
CEPH_VERSION=$(dpkg-query -W -f='${Version}' ceph-osd | sed 's/[+-].*//')
log "ceph packages present: $(dpkg-query -W -f='${Version}' ceph-osd)"

for p in "$RGW_PORT" "$MON_V2_PORT" "$MON_V1_PORT"; do
  if port_in_use "$p"; then
    die "port $p on this host is already in use ($(ss -Hltnp "sport = :$p" | head -n 1)).
  Free it, or choose other ports with RGW_PORT / RGW_MON_V2_PORT / RGW_MON_V1_PORT."
  fi
done

mkdir -p "$D"
# down.sh deletes only directories that carry this marker
echo "cluster directory of scripts/ceph-rgw/up.sh; remove with down.sh" >"$D/.ceph-rgw-dir"
mkdir -p "$D"/{run,log,crash,keyring,mon,osd,rgw}
exec > >(tee -a "$D/log/up.log") 2>&1
FSID=$(cat /proc/sys/kernel/random/uuid)
OSD_UUID=$(cat /proc/sys/kernel/random/uuid)
MON_ADDRS="[v2:127.0.0.1:$MON_V2_PORT,v1:127.0.0.1:$MON_V1_PORT]"

# ------------------------------------------------------------------ ceph.conf
cat >"$CONF" <<EOF
# Written by scripts/ceph-rgw/up.sh. Single node, loopback only, no ceph-mgr.
[global]
fsid = $FSID
mon host = $MON_ADDRS
mon initial members = a
public addr = 127.0.0.1
cluster addr = 127.0.0.1
public network = 127.0.0.0/8
cluster network = 127.0.0.0/8
ms bind ipv6 = false
auth cluster required = cephx
auth service required = cephx
auth client required = cephx
auth allow insecure global id reclaim = false
run dir = $D/run
admin socket = $D/run/\$cluster-\$name.asok
pid file = $D/run/\$cluster-\$name.pid
log file = $D/log/\$cluster-\$name.log
crash dir = $D/crash
log to syslog = false
# one OSD: size-1 pools at OSD level, few PGs (RGW creates 7-8 pools), quiet health
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
osd crush chooseleaf type = 0
mon allow pool size one = true
mon allow pool delete = true
mon max pg per osd = 1000
mon warn on pool no redundancy = false
mon warn on insecure global id reclaim allowed = false
mon data avail warn = 1

[mon]
mon data = $D/mon/\$cluster-\$id
# commit osdmap changes fast: RGW's first start creates its pools one commit at a time
paxos propose interval = 0.05
paxos min wait = 0.01

[osd]
osd data = $D/osd/\$cluster-\$id
osd objectstore = memstore
memstore device bytes = $MEMSTORE_BYTES

[client]
keyring = $D/keyring/\$cluster.\$name.keyring

[$RGW_NAME]
# tcp_nodelay: without it small GET responses wait ~40 ms for the client's delayed ACK (Nagle)
rgw frontends = beast endpoint=127.0.0.1:$RGW_PORT tcp_nodelay=1
rgw data = $D/rgw
rgw thread pool size = 64
rgw enable usage log = false
# memstore keeps everything in RAM: give deleted and overwritten objects back quickly
rgw gc obj min wait = 10
rgw gc processor period = 10
rgw gc processor max time = 10
${RGW_EXTRA_CONF:-}
EOF
export CEPH_CONF=$CONF
log "wrote $CONF (fsid $FSID, memstore $MEMSTORE_BYTES bytes)"

# Daemons fork into the background; their stdio goes to a file, never to our caller's pipes.
# They must not inherit the lock (fd 9) either, or it would stay held for the cluster's lifetime.
start_daemon() { "$@" </dev/null >>"$D/log/daemon-stdio.log" 2>&1 9>&-; }

# ------------------------------------------------------------------ mon
ceph-authtool --create-keyring "$D/keyring/mon.keyring" --gen-key -n mon. --cap mon 'allow *' >/dev/null
ceph-authtool --create-keyring "$D/keyring/ceph.client.admin.keyring" --gen-key -n client.admin \
  --cap mon 'allow *' --cap osd 'allow *' --cap mds 'allow *' --cap mgr 'allow *' >/dev/null
ceph-authtool "$D/keyring/mon.keyring" --import-keyring "$D/keyring/ceph.client.admin.keyring" >/dev/null
monmaptool --create --fsid "$FSID" --addv a "$MON_ADDRS" "$D/monmap" >/dev/null
timeout 60 ceph-mon -c "$CONF" --mkfs -i a --monmap "$D/monmap" --keyring "$D/keyring/mon.keyring" \
  >"$D/log/mon-mkfs.log" 2>&1 || die "ceph-mon --mkfs failed, see $D/log/mon-mkfs.log"
start_daemon ceph-mon -c "$CONF" -i a || die "ceph-mon did not start, see $D/log/ceph-mon.a.log"
wait_for 30 "mon.a up" ceph_ mon stat || die "mon.a not answering after 30s, see $D/log/ceph-mon.a.log"

# ------------------------------------------------------------------ osd
OSD_ID=$(ceph_ osd new "$OSD_UUID")
mkdir -p "$D/osd/ceph-$OSD_ID"
timeout 120 ceph-osd -c "$CONF" -i "$OSD_ID" --mkfs --mkkey --no-mon-config --osd-uuid "$OSD_UUID" \
  >"$D/log/osd-mkfs.log" 2>&1 || die "ceph-osd --mkfs failed, see $D/log/osd-mkfs.log"
ceph_ auth add "osd.$OSD_ID" osd 'allow *' mon 'allow profile osd' mgr 'allow profile osd' \
  -i "$D/osd/ceph-$OSD_ID/keyring" >/dev/null 2>&1
start_daemon ceph-osd -c "$CONF" -i "$OSD_ID" || die "ceph-osd did not start, see $D/log/ceph-osd.$OSD_ID.log"
osd_up() { ceph_ osd stat -f json | grep -q '"num_up_osds":1'; }
wait_for 60 "osd.$OSD_ID up" osd_up || die "osd.$OSD_ID not up after 60s, see $D/log/ceph-osd.$OSD_ID.log"

# ------------------------------------------------------------------ radosgw
ceph_ auth get-or-create "$RGW_NAME" mon 'allow rw' osd 'allow rwx' mgr 'allow rw' \
  -o "$D/keyring/ceph.$RGW_NAME.keyring" >/dev/null
start_daemon radosgw -c "$CONF" -n "$RGW_NAME" || die "radosgw did not start, see $D/log/ceph-$RGW_NAME.log"
ENDPOINT=http://127.0.0.1:$RGW_PORT
wait_for 120 "radosgw answering on $ENDPOINT" curl -s -o /dev/null --max-time 2 "$ENDPOINT/" ||
  die "radosgw not answering on $ENDPOINT after 120s, see $D/log/ceph-$RGW_NAME.log"

# ------------------------------------------------------------------ S3 user and outputs
timeout 60 radosgw-admin -c "$CONF" user create --uid=convex --display-name="Convex test user" \
  --access-key="$ACCESS_KEY" --secret-key="$SECRET_KEY" >"$D/user-convex.json" ||
  die "radosgw-admin user create failed, see $D/log/ceph-client.admin.log"

: >"$D/pids"
for f in "$D"/run/*.pid; do echo "$(cat "$f") $(basename "$f" .pid)" >>"$D/pids"; done
echo "$CEPH_VERSION" >"$D/ceph-version"
cat >"$D/s3.env.tmp" <<EOF
S3_ENDPOINT_URL=$ENDPOINT
AWS_REGION=us-east-1
AWS_ACCESS_KEY_ID=$ACCESS_KEY
AWS_SECRET_ACCESS_KEY=$SECRET_KEY
CEPH_VERSION=$CEPH_VERSION
CEPH_CONF=$CONF
EOF
mv "$D/s3.env.tmp" "$D/s3.env"
if [ -n "${RGW_LEASE_PID:-}" ]; then : >"$D/auto-stop"; add_lease; fi
log "S3 user 'convex' created; daemons: $(awk '{printf "%s=%s ", $2, $1}' "$D/pids")"
log "ready: $D/s3.env (ceph $CEPH_VERSION, $ENDPOINT)"
