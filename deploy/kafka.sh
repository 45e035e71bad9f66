#!/usr/bin/env bash
# Single-node Apache Kafka (KRaft, combined broker+controller) from Maven Central jars; no Docker.
#
# Usage: deploy/kafka.sh install|start|stop|status|destroy
#
# Environment (all optional):
#   KAFKA_STATE_DIR        state folder: lib/ (-> jar cache), data/, server.properties, kafka.pid,
#                          kafka.log (JVM stdout/stderr, WARN+), server.log (INFO)
#                          default: $PWD/.lapor/kafka (made absolute)
#   KAFKA_PORT             client listener port on 127.0.0.1            default 9092
#   KAFKA_CONTROLLER_PORT  KRaft controller listener port on 127.0.0.1  default 9093
#   LAPOR_KAFKA_VERSION    org.apache.kafka:kafka_2.13 version          default: from deploy/kafka/pom.xml
#   LAPOR_CACHE_DIR        jar cache shared across clones               default $HOME/.cache/lapor
#                          (jars in $LAPOR_CACHE_DIR/kafka-$KAFKA_VERSION/lib)
#   KAFKA_HEAP_OPTS        JVM heap options                             default -Xmx512m -Xms256m
#   KAFKA_JVM_OPTS         extra JVM options                            default empty
#   KAFKA_START_TIMEOUT    seconds to wait for the broker to answer     default 90
#   KAFKA_STOP_TIMEOUT     seconds to wait after SIGTERM before SIGKILL default 30
#   KAFKA_SECURE           1: the secure profile (below)                default 0
#   KAFKA_ADMIN_PASSWORD_FILE  the super user's password (secure only)  default $KAFKA_STATE_DIR/admin.password
#
# Secure profile (KAFKA_SECURE=1): the client listener is SASL_PLAINTEXT with SCRAM-SHA-512 only;
# StandardAuthorizer with allow.everyone.if.no.acl.found=false, so a principal may do only what an
# ACL allows. The super user `admin` (password generated into KAFKA_ADMIN_PASSWORD_FILE, mode 600,
# unless that file exists) is created at format time; it is the inter-broker principal and what
# `lapor kafka-access apply` logs in as to create every other principal and its ACLs. The KRaft
# controller listener stays PLAINTEXT on 127.0.0.1 and its principal (ANONYMOUS) is a super user,
# as KRaft needs for broker-to-controller requests. A state folder is formatted for one mode:
# switching needs `destroy`. `start` also prints KAFKA_SECURITY_PROTOCOL, KAFKA_SASL_MECHANISM,
# KAFKA_ADMIN_USER and KAFKA_ADMIN_PASSWORD_FILE lines.
#
# install  download the jars once (cache + marker) and link $KAFKA_STATE_DIR/lib to them;
#          installs Java and Maven with apt-get when missing.
# start    idempotent; prints KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:$KAFKA_PORT on stdout when the broker
#          answers a Metadata request; everything else goes to stderr. Fails if a port is taken.
# stop     SIGTERM, then SIGKILL after KAFKA_STOP_TIMEOUT; returns when the process has exited and
#          the ports are free. Exit 0 when not running.
# status   exit 0 when running and answering, 1 otherwise.
# destroy  stop, then delete data/, server.properties and logs (keeps the jar cache).
set -euo pipefail

SCRIPT_NAME=kafka.sh
# shellcheck source=deploy/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
close_inherited_fds
APT_INSTALL_FLAGS=--no-install-recommends

SCRIPT_DIR="$DEPLOY_DIR"
POM="$SCRIPT_DIR/kafka/pom.xml"
LOG4J_CONFIG="$SCRIPT_DIR/kafka/log4j2.xml"

KAFKA_STATE_DIR="$(abspath "${KAFKA_STATE_DIR:-$PWD/.lapor/kafka}")"
KAFKA_HOST=127.0.0.1
KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
KAFKA_VERSION="${LAPOR_KAFKA_VERSION:-$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$POM" | head -n1)}"
CACHE_ROOT="$(abspath "${LAPOR_CACHE_DIR:-${HOME:-/root}/.cache/lapor}")"
CACHE_DIR="$CACHE_ROOT/kafka-$KAFKA_VERSION"
CACHE_LIB="$CACHE_DIR/lib"
CACHE_MARKER="$CACHE_DIR/.complete"
KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xmx512m -Xms256m}"
KAFKA_JVM_OPTS="${KAFKA_JVM_OPTS:-}"
KAFKA_START_TIMEOUT="${KAFKA_START_TIMEOUT:-90}"
KAFKA_STOP_TIMEOUT="${KAFKA_STOP_TIMEOUT:-30}"

LIB="$KAFKA_STATE_DIR/lib"
DATA="$KAFKA_STATE_DIR/data"
PROPS="$KAFKA_STATE_DIR/server.properties"
PIDFILE="$KAFKA_STATE_DIR/kafka.pid"
LOGFILE="$KAFKA_STATE_DIR/kafka.log"
CLUSTER_ID_FILE="$KAFKA_STATE_DIR/cluster.id"
MODE_FILE="$KAFKA_STATE_DIR/security.mode"
KAFKA_SECURE="${KAFKA_SECURE:-0}"
KAFKA_ADMIN_USER=admin
KAFKA_ADMIN_PASSWORD_FILE="$(abspath "${KAFKA_ADMIN_PASSWORD_FILE:-$KAFKA_STATE_DIR/admin.password}")"
SCRAM_MECHANISM=SCRAM-SHA-512


for p in "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT"; do
  [[ "$p" =~ ^[0-9]+$ ]] || die "invalid port '$p'"
done
[[ "$KAFKA_PORT" != "$KAFKA_CONTROLLER_PORT" ]] || die "KAFKA_PORT and KAFKA_CONTROLLER_PORT must differ"
[[ -n "$KAFKA_VERSION" ]] || die "cannot determine the Kafka version from $POM"
[[ "$KAFKA_SECURE" == 0 || "$KAFKA_SECURE" == 1 ]] || die "KAFKA_SECURE must be 0 or 1"

# ---------------------------------------------------------------- python helper (stdlib only)
broker_answers() {
  find_python
  "$PYTHON" - "$KAFKA_HOST" "$KAFKA_PORT" "$KAFKA_SECURE" <<'PY'
import socket, struct, sys

host, port, secure = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "1"

def request(sock, key, version, corr, body=b""):
    client = b"lapor-kafka-sh"
    header = struct.pack(">hhih", key, version, corr, len(client)) + client
    msg = header + body
    sock.sendall(struct.pack(">i", len(msg)) + msg)
    size = struct.unpack(">i", recv(sock, 4))[0]
    data = recv(sock, size)
    if struct.unpack(">i", data[:4])[0] != corr:
        raise RuntimeError("bad correlation id")
    return data[4:]

def recv(sock, n):
    buf = b""
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise RuntimeError("connection closed")
        buf += chunk
    return buf

try:
    with socket.create_connection((host, port), timeout=3) as s:
        s.settimeout(5)
        # ApiVersions v0 (every broker keeps v0 for version negotiation)
        resp = request(s, 18, 0, 1)
        err, n = struct.unpack(">hi", resp[:6])
        if err != 0:
            sys.exit(1)
        if secure:
            sys.exit(0)  # SASL: nothing but ApiVersions is answered before authentication
        versions = {}
        for i in range(n):
            k, lo, hi = struct.unpack(">hhh", resp[6 + 6 * i: 12 + 6 * i])
            versions[k] = (lo, hi)
        lo, hi = versions.get(3, (0, -1))       # Metadata
        v = min(hi, 8)
        if v < max(lo, 1):
            sys.exit(0)  # only flexible Metadata versions: ApiVersions success is our best signal
        body = struct.pack(">i", -1)             # all topics
        if v >= 4:
            body += b"\x00"                      # allow_auto_topic_creation = false
        if v >= 8:
            body += b"\x00\x00"                  # include cluster/topic authorized operations
        resp = request(s, 3, v, 2, body)
        off = 4 if v >= 3 else 0                 # throttle_time_ms
        nbrokers = struct.unpack(">i", resp[off:off + 4])[0]
        sys.exit(0 if nbrokers >= 1 else 1)
except Exception:
    sys.exit(1)
PY
}

# ---------------------------------------------------------------- apt
ensure_java() { command -v java >/dev/null 2>&1 || apt_install default-jre-headless; }
ensure_java_and_maven() {
  local pkgs=()
  command -v java >/dev/null 2>&1 || pkgs+=(default-jdk-headless)
  command -v mvn >/dev/null 2>&1 || pkgs+=(maven)
  if ((${#pkgs[@]})); then apt_install "${pkgs[@]}"; fi
}

# ---------------------------------------------------------------- install
pom_digest() { { cat "$POM"; printf 'kafka.version=%s\n' "$KAFKA_VERSION"; } | sha256sum | cut -d' ' -f1; }

cache_complete() {
  [[ -f "$CACHE_MARKER" && "$(cat "$CACHE_MARKER" 2>/dev/null)" == "$(pom_digest)" \
     && -f "$CACHE_LIB/kafka_2.13-$KAFKA_VERSION.jar" ]]
}

link_lib() {
  mkdir -p "$KAFKA_STATE_DIR"
  if [[ -L "$LIB" ]]; then
    [[ "$(readlink "$LIB")" == "$CACHE_LIB" ]] && return 0
    rm -f "$LIB"
  elif [[ -e "$LIB" ]]; then
    rm -rf "$LIB"
  fi
  ln -s "$CACHE_LIB" "$LIB"
}

do_install() {
  if ! cache_complete; then
    mkdir -p "$CACHE_DIR"
    # serialise concurrent installs into the shared cache
    exec 9>"$CACHE_DIR/.lock"
    flock 9
    if ! cache_complete; then
      ensure_java_and_maven
      local tmp="$CACHE_DIR/lib.tmp.$$" mvnlog="$CACHE_DIR/mvn.log"
      rm -rf "$tmp"
      log "downloading Apache Kafka $KAFKA_VERSION jars from Maven Central into $CACHE_LIB"
      if ! mvn -q -B -Dstyle.color=never -f "$POM" -Dkafka.version="$KAFKA_VERSION" \
            dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$tmp" \
            >"$mvnlog" 2>&1; then
        tail -n 30 "$mvnlog" >&2 || true
        rm -rf "$tmp"
        die "could not download org.apache.kafka:kafka_2.13:$KAFKA_VERSION from Maven Central (is https://repo.maven.apache.org reachable? full log: $mvnlog)"
      fi
      [[ -f "$tmp/kafka_2.13-$KAFKA_VERSION.jar" ]] || { rm -rf "$tmp"; die "Maven finished but kafka_2.13-$KAFKA_VERSION.jar is missing (log: $mvnlog)"; }
      rm -rf "$CACHE_LIB"
      mv "$tmp" "$CACHE_LIB"
      pom_digest >"$CACHE_MARKER"
      log "cached $(ls "$CACHE_LIB" | wc -l) jars"
    fi
    flock -u 9
    exec 9>&-
  fi
  ensure_java
  link_lib
}

# ---------------------------------------------------------------- process helpers
read_pid() { [[ -f "$PIDFILE" ]] && tr -dc '0-9' <"$PIDFILE" || true; }

# pid_alive PID -> 0 when PID is our broker (a kafka.Kafka JVM using our server.properties)
pid_alive() {
  local pid="$1"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 1
  local cmd
  cmd="$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null || true)"
  [[ "$cmd" == *kafka.Kafka*"$PROPS"* ]]
}

running_pid() {
  local pid
  pid="$(read_pid)"
  if pid_alive "$pid"; then printf '%s\n' "$pid"; return 0; fi
  return 1
}

# proc_running PID -> 0 while PID exists and is not a zombie (no command-line check: a freshly
# forked child still shows this script's command line until it has exec'd java)
proc_running() {
  kill -0 "$1" 2>/dev/null || return 1
  local state
  state="$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$1/status" 2>/dev/null || true)"
  [[ "$state" != Z ]]
}

wait_ready() {
  local pid="$1" deadline=$((SECONDS + KAFKA_START_TIMEOUT))
  while ((SECONDS < deadline)); do
    proc_running "$pid" || return 2
    broker_answers && return 0
    sleep 0.5
  done
  return 1
}

fail_start() {
  log "$1"
  log "--- tail of $LOGFILE"
  tail -n 40 "$LOGFILE" >&2 2>/dev/null || true
  if [[ -f "$KAFKA_STATE_DIR/server.log" ]]; then
    log "--- last errors in $KAFKA_STATE_DIR/server.log"
    grep -E 'ERROR|FATAL|Exception' "$KAFKA_STATE_DIR/server.log" | tail -n 20 >&2 || true
  fi
  exit 1
}

# listener_properties: the client listener, PLAINTEXT or (secure) SASL_PLAINTEXT + SCRAM + ACLs
listener_properties() {
  local name=PLAINTEXT
  [[ "$KAFKA_SECURE" == 1 ]] && name=SASL_PLAINTEXT
  cat <<EOF
listeners=$name://$KAFKA_HOST:$KAFKA_PORT,CONTROLLER://$KAFKA_HOST:$KAFKA_CONTROLLER_PORT
advertised.listeners=$name://$KAFKA_HOST:$KAFKA_PORT
listener.security.protocol.map=$name:$name,CONTROLLER:PLAINTEXT
controller.listener.names=CONTROLLER
inter.broker.listener.name=$name
EOF
  [[ "$KAFKA_SECURE" == 1 ]] || return 0
  cat <<EOF
sasl.enabled.mechanisms=$SCRAM_MECHANISM
sasl.mechanism.inter.broker.protocol=$SCRAM_MECHANISM
listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="$KAFKA_ADMIN_USER" password="$(admin_password)";
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
allow.everyone.if.no.acl.found=false
super.users=User:$KAFKA_ADMIN_USER;User:ANONYMOUS
EOF
}

# admin_password: the super user's password, generated once (URL-safe: no quoting needed)
admin_password() {
  if [[ ! -s "$KAFKA_ADMIN_PASSWORD_FILE" ]]; then
    find_python
    mkdir -p "$(dirname "$KAFKA_ADMIN_PASSWORD_FILE")"
    (umask 077; "$PYTHON" -c 'import secrets; print(secrets.token_urlsafe(24))' >"$KAFKA_ADMIN_PASSWORD_FILE")
  fi
  local pw
  pw="$(tr -d '[:space:]' <"$KAFKA_ADMIN_PASSWORD_FILE")"
  [[ "$pw" =~ ^[A-Za-z0-9_-]+$ ]] || die "$KAFKA_ADMIN_PASSWORD_FILE: use only letters, digits, - and _"
  printf '%s\n' "$pw"
}

write_properties() {
  if [[ "$KAFKA_SECURE" == 1 ]]; then admin_password >/dev/null; fi  # fail here, not mid-file
  (umask 077; : >"$PROPS")  # holds the admin password in the secure profile
  cat >"$PROPS" <<EOF
# Written by deploy/kafka.sh on every start; edits are overwritten.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@$KAFKA_HOST:$KAFKA_CONTROLLER_PORT
$(listener_properties)
log.dirs=$DATA

auto.create.topics.enable=false
num.partitions=6
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=10
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0

num.network.threads=2
num.io.threads=4
log.retention.hours=168
EOF
}

format_storage() {
  if [[ -f "$DATA/meta.properties" ]]; then
    local formatted
    formatted="$(cat "$MODE_FILE" 2>/dev/null || echo 0)"
    [[ "$formatted" == "$KAFKA_SECURE" ]] || die "$KAFKA_STATE_DIR was formatted with KAFKA_SECURE=$formatted; run destroy to switch"
    return 0
  fi
  local cid
  # data/ is not formatted yet, so no id is committed anywhere: always draw a fresh one
  find_python
  {
    # like Kafka's Uuid.randomUuid: base64url of 16 random bytes, never starting with "-"
    # (the storage tool would read such an id as an option)
    cid="$("$PYTHON" -c '
import base64, uuid
while True:
    c = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
    if not c.startswith("-"):
        print(c)
        break
')"
    printf '%s\n' "$cid" >"$CLUSTER_ID_FILE"
  }
  mkdir -p "$DATA"
  local scram=()
  [[ "$KAFKA_SECURE" == 1 ]] && scram=(--add-scram "$SCRAM_MECHANISM=[name=$KAFKA_ADMIN_USER,password=$(admin_password)]")
  log "formatting $DATA (cluster id $cid)"
  if ! java -Dlog4j2.configurationFile="$LOG4J_CONFIG" -Dkafka.logs.dir="$KAFKA_STATE_DIR" \
        -cp "$LIB/*" kafka.tools.StorageTool format --ignore-formatted -t "$cid" -c "$PROPS" \
        "${scram[@]}" >>"$LOGFILE" 2>&1; then
    fail_start "kafka storage format failed"
  fi
  printf '%s\n' "$KAFKA_SECURE" >"$MODE_FILE"
}

# ---------------------------------------------------------------- commands
announce() {
  echo "KAFKA_BOOTSTRAP_SERVERS=$KAFKA_HOST:$KAFKA_PORT"
  [[ "$KAFKA_SECURE" == 1 ]] || return 0
  echo "KAFKA_SECURITY_PROTOCOL=SASL_PLAINTEXT"
  echo "KAFKA_SASL_MECHANISM=$SCRAM_MECHANISM"
  echo "KAFKA_ADMIN_USER=$KAFKA_ADMIN_USER"
  echo "KAFKA_ADMIN_PASSWORD_FILE=$KAFKA_ADMIN_PASSWORD_FILE"
}

do_start() {
  local pid
  if pid="$(running_pid)"; then
    [[ "$(cat "$MODE_FILE" 2>/dev/null || echo 0)" == "$KAFKA_SECURE" ]] \
      || die "the broker running from $KAFKA_STATE_DIR was not started with KAFKA_SECURE=$KAFKA_SECURE"
    if wait_ready "$pid"; then
      log "already running (pid $pid) on $KAFKA_HOST:$KAFKA_PORT"
      announce
      return 0
    fi
    fail_start "a broker (pid $pid) from $KAFKA_STATE_DIR is running but does not answer on $KAFKA_HOST:$KAFKA_PORT"
  fi
  rm -f "$PIDFILE"
  for p in "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT"; do
    if port_in_use "$KAFKA_HOST" "$p"; then die "port $p is already in use (Kafka in $KAFKA_STATE_DIR cannot start)"; fi
  done

  mkdir -p "$KAFKA_STATE_DIR"
  do_install
  write_properties
  format_storage

  log "starting Apache Kafka $KAFKA_VERSION on $KAFKA_HOST:$KAFKA_PORT (controller $KAFKA_CONTROLLER_PORT)"
  printf '\n===== %s start (kafka %s)\n' "$(date -Is)" "$KAFKA_VERSION" >>"$LOGFILE"
  # shellcheck disable=SC2086
  (
    cd /
    exec setsid nohup java $KAFKA_HEAP_OPTS -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
      -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true \
      -Dlog4j2.configurationFile="$LOG4J_CONFIG" -Dkafka.logs.dir="$KAFKA_STATE_DIR" \
      $KAFKA_JVM_OPTS -cp "$LIB/*" kafka.Kafka "$PROPS" \
      </dev/null >>"$LOGFILE" 2>&1 8>&- 9>&-
  ) &
  pid=$!
  printf '%s\n' "$pid" >"$PIDFILE"
  disown "$pid" 2>/dev/null || true

  local rc=0
  wait_ready "$pid" || rc=$?
  case $rc in
    0) log "ready (pid $pid)"
       announce
       return 0 ;;
    2) rm -f "$PIDFILE"
       fail_start "the broker exited during startup" ;;
    *) log "the broker did not answer on $KAFKA_HOST:$KAFKA_PORT within ${KAFKA_START_TIMEOUT}s; stopping it"
       do_stop || true
       fail_start "the broker did not answer on $KAFKA_HOST:$KAFKA_PORT within ${KAFKA_START_TIMEOUT}s" ;;
  esac
}

wait_ports_free() {
  local deadline=$((SECONDS + 15))
  while ((SECONDS < deadline)); do
    if ! port_in_use "$KAFKA_HOST" "$KAFKA_PORT" && ! port_in_use "$KAFKA_HOST" "$KAFKA_CONTROLLER_PORT"; then return 0; fi
    sleep 0.2
  done
  log "warning: port $KAFKA_PORT or $KAFKA_CONTROLLER_PORT still in use after stop"
}

do_stop() {
  local pid
  if ! pid="$(running_pid)"; then
    rm -f "$PIDFILE"
    log "not running"
    return 0
  fi
  log "stopping pid $pid"
  kill -TERM "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + KAFKA_STOP_TIMEOUT))
  while proc_running "$pid" && ((SECONDS < deadline)); do sleep 0.2; done
  if proc_running "$pid"; then
    log "still alive after ${KAFKA_STOP_TIMEOUT}s; SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    while proc_running "$pid"; do sleep 0.1; done
  fi
  rm -f "$PIDFILE"
  wait_ports_free
  log "stopped"
}

do_status() {
  local pid
  if pid="$(running_pid)" && broker_answers; then
    log "running (pid $pid) on $KAFKA_HOST:$KAFKA_PORT"
    return 0
  fi
  log "not running"
  return 1
}

do_destroy() {
  do_stop
  rm -rf "$DATA" "$PROPS" "$CLUSTER_ID_FILE" "$MODE_FILE" "$LOGFILE" "$KAFKA_STATE_DIR"/server.log* "$KAFKA_STATE_DIR/.lock"
  [[ -L "$LIB" ]] && rm -f "$LIB"
  [[ "$KAFKA_ADMIN_PASSWORD_FILE" == "$KAFKA_STATE_DIR/admin.password" ]] && rm -f "$KAFKA_ADMIN_PASSWORD_FILE"
  rmdir "$KAFKA_STATE_DIR" 2>/dev/null || true
}

# serialise start/stop/destroy on one state folder (fd 8 is closed for the broker itself)
lock_state() {
  mkdir -p "$KAFKA_STATE_DIR"
  exec 8>"$KAFKA_STATE_DIR/.lock"
  flock -w $((KAFKA_START_TIMEOUT + KAFKA_STOP_TIMEOUT + 60)) 8 || die "timed out waiting for the lock on $KAFKA_STATE_DIR"
}

case "${1:-}" in
  install) do_install ;;
  start) lock_state; do_start ;;
  stop|destroy)
    if [[ ! -d "$KAFKA_STATE_DIR" ]]; then log "not running (no $KAFKA_STATE_DIR)"; exit 0; fi
    lock_state
    if [[ "$1" == stop ]]; then do_stop; else do_destroy; fi ;;
  status) do_status ;;
  *) echo "usage: $0 install|start|stop|status|destroy" >&2; exit 2 ;;
esac
