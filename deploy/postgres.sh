#!/usr/bin/env bash
# A private PostgreSQL server from Debian's packages (no Docker, no Debian cluster management).
#
# Usage: deploy/postgres.sh install|start|stop|status|destroy
#
# Environment (all optional):
#   PG_STATE_DIR   bookkeeping folder: pg.port, pg.pid, pg.log (symlink to the server log),
#                  datadir (path of PG_DATA_DIR)            default: $PWD/.lapor/postgres (made absolute)
#   PG_PORT        TCP port on 127.0.0.1                    default 5432
#   PG_DATA_DIR    server folder (data/, sock/, postgres.log); must be reachable by user postgres,
#                  so by default it lives outside the checkout:
#                  /var/tmp/lapor-pg-<sha256(PG_STATE_DIR)[:12]>-<PG_PORT>
#   PG_BIN         folder with initdb/pg_ctl               default: newest /usr/lib/postgresql/*/bin
#   PG_START_TIMEOUT  seconds pg_ctl waits                  default 60
#   PG_SERVER_OPTIONS more server options at start (e.g. `-c shared_preload_libraries=...`
#                  for a profiling run)                     default none
#
# install  apt-get install postgresql when initdb is missing (and stop any cluster Debian started).
# start    idempotent; initdb (trust auth, user postgres, UTF8) on first use, then pg_ctl start.
#          On success prints exactly one line on stdout:
#            LAPOR_DATABASE_URL=postgresql://postgres@127.0.0.1:$PG_PORT/postgres
#          Fails clearly when the port is taken by something else.
# stop     pg_ctl stop -m fast; exit 0 when not running.
# status   exit 0 when running and accepting connections, 1 otherwise.
# destroy  stop, then delete PG_DATA_DIR and the bookkeeping files.
#
# initdb refuses to run as root: as root every server command runs as user postgres (runuser);
# as any other user the commands run as that user.
set -euo pipefail

SCRIPT_NAME=postgres.sh
# shellcheck source=deploy/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
close_inherited_fds


PG_STATE_DIR="$(abspath "${PG_STATE_DIR:-$PWD/.lapor/postgres}")"
PG_PORT="${PG_PORT:-5432}"
PG_HOST=127.0.0.1
[[ "$PG_PORT" =~ ^[0-9]+$ ]] || die "invalid PG_PORT '$PG_PORT'"
if [[ -z "${PG_DATA_DIR:-}" ]]; then
  PG_DATA_DIR="/var/tmp/lapor-pg-$(printf '%s' "$PG_STATE_DIR" | sha256sum | cut -c1-12)-$PG_PORT"
fi
PG_DATA_DIR="$(abspath "$PG_DATA_DIR")"
[[ "$PG_DATA_DIR" != *[[:space:]]* ]] || die "PG_DATA_DIR must not contain spaces: '$PG_DATA_DIR'"
PG_START_TIMEOUT="${PG_START_TIMEOUT:-60}"
PG_SERVER_OPTIONS="${PG_SERVER_OPTIONS:-}"

CLUSTER="$PG_DATA_DIR/data"
SOCKDIR="$PG_DATA_DIR/sock"
SERVER_LOG="$PG_DATA_DIR/postgres.log"
URL="postgresql://postgres@$PG_HOST:$PG_PORT/postgres"

# ---------------------------------------------------------------- helpers
find_bin() {
  if [[ -n "${PG_BIN:-}" ]]; then
    [[ -x "$PG_BIN/initdb" ]] && return 0
    return 1
  fi
  local d
  d="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | while read -r b; do [[ -x "$b/initdb" ]] && echo "$b"; done | tail -n1)"
  [[ -n "$d" ]] || return 1
  PG_BIN="$d"
}

# as_pg CMD... : run a server command as user postgres when we are root, from a neutral cwd.
as_pg() {
  if [[ $EUID -eq 0 ]]; then
    (cd / && runuser -u postgres -- "$@" </dev/null)
  else
    (cd / && "$@" </dev/null)
  fi
}

pid_of_cluster() { [[ -f "$CLUSTER/postmaster.pid" ]] && head -n1 "$CLUSTER/postmaster.pid" | tr -dc '0-9' || true; }
port_of_cluster() { [[ -f "$CLUSTER/postmaster.pid" ]] && sed -n 4p "$CLUSTER/postmaster.pid" | tr -dc '0-9' || true; }

server_running() {
  [[ -f "$CLUSTER/PG_VERSION" ]] || return 1
  find_bin || return 1
  as_pg "$PG_BIN/pg_ctl" -D "$CLUSTER" status >/dev/null 2>&1
}

accepting() { "$PG_BIN/pg_isready" -q -h "$PG_HOST" -p "$PG_PORT" -U postgres -d postgres -t 3 >/dev/null 2>&1; }

write_state() {
  mkdir -p "$PG_STATE_DIR"
  printf '%s\n' "$PG_PORT" >"$PG_STATE_DIR/pg.port"
  printf '%s\n' "$PG_DATA_DIR" >"$PG_STATE_DIR/datadir"
  pid_of_cluster >"$PG_STATE_DIR/pg.pid"
  ln -sfn "$SERVER_LOG" "$PG_STATE_DIR/pg.log"
}

clear_state() { rm -f "$PG_STATE_DIR/pg.pid"; }

stop_debian_clusters() {
  # Debian's postinst may create and start cluster <ver>/main on 5432; we never use it.
  command -v pg_lsclusters >/dev/null 2>&1 || return 0
  local ver name port status
  while read -r ver name port status _; do
    [[ "$status" == online* ]] || continue
    log "stopping Debian cluster $ver/$name on port $port (not used by lapor; start.conf set to manual)"
    pg_ctlcluster "$ver" "$name" stop >&2 || true
    [[ -f "/etc/postgresql/$ver/$name/start.conf" ]] && echo manual >"/etc/postgresql/$ver/$name/start.conf"
  done < <(pg_lsclusters -h 2>/dev/null || true)
}

# ---------------------------------------------------------------- commands
do_install() {
  if find_bin; then return 0; fi
  [[ -z "${PG_BIN:-}" ]] || die "PG_BIN=$PG_BIN has no initdb"
  apt_install postgresql
  [[ $EUID -eq 0 ]] && stop_debian_clusters
  find_bin || die "postgresql installed but no /usr/lib/postgresql/*/bin/initdb found"
}

prepare_dirs() {
  if [[ $EUID -eq 0 ]]; then
    install -d -m 0700 -o postgres -g postgres "$PG_DATA_DIR" "$SOCKDIR"
    # every parent folder must be traversable by user postgres
    runuser -u postgres -- test -x "$PG_DATA_DIR" -a -w "$PG_DATA_DIR" \
      || die "user postgres cannot reach $PG_DATA_DIR (a parent folder is not traversable); set PG_DATA_DIR elsewhere, e.g. under /var/tmp"
  else
    install -d -m 0700 "$PG_DATA_DIR" "$SOCKDIR"
  fi
}

do_start() {
  do_install
  if server_running; then
    local rport
    rport="$(port_of_cluster)"
    if [[ -n "$rport" && "$rport" != "$PG_PORT" ]]; then
      die "the server in $CLUSTER already runs on port $rport, not $PG_PORT; stop it first"
    fi
    local deadline=$((SECONDS + PG_START_TIMEOUT))
    until accepting; do
      ((SECONDS < deadline)) || die "the server in $CLUSTER runs but does not accept connections on port $PG_PORT (log: $SERVER_LOG)"
      sleep 0.3
    done
    write_state
    log "already running (pid $(pid_of_cluster)) on $PG_HOST:$PG_PORT"
    echo "LAPOR_DATABASE_URL=$URL"
    return 0
  fi

  if port_in_use "$PG_HOST" "$PG_PORT"; then
    local hint=""
    if command -v pg_lsclusters >/dev/null 2>&1; then
      hint="$(pg_lsclusters -h 2>/dev/null | awk -v p="$PG_PORT" '$3==p && $4 ~ /^online/ {print " (Debian cluster " $1 "/" $2 " runs there: pg_ctlcluster " $1 " " $2 " stop)"}')"
    fi
    die "port $PG_PORT is already in use$hint"
  fi

  prepare_dirs
  if [[ ! -f "$CLUSTER/PG_VERSION" ]]; then
    local locale=C
    if locale -a 2>/dev/null | grep -qix 'c.utf-\?8'; then locale=C.UTF-8; fi
    log "initdb $CLUSTER ($("$PG_BIN/postgres" --version | awk '{print $3}'), locale $locale)"
    rm -rf "$CLUSTER"
    as_pg "$PG_BIN/initdb" -D "$CLUSTER" --auth=trust -U postgres --encoding=UTF8 --locale="$locale" \
      >>"$PG_DATA_DIR/initdb.log" 2>&1 || { tail -n 20 "$PG_DATA_DIR/initdb.log" >&2; die "initdb failed"; }
  fi

  log "starting PostgreSQL on $PG_HOST:$PG_PORT (data $CLUSTER)"
  if ! as_pg "$PG_BIN/pg_ctl" -D "$CLUSTER" -l "$SERVER_LOG" -w -t "$PG_START_TIMEOUT" \
        -o "-p $PG_PORT -k $SOCKDIR -c listen_addresses=$PG_HOST -c max_connections=200 -c fsync=off -c synchronous_commit=off -c full_page_writes=off $PG_SERVER_OPTIONS" \
        start >&2; then
    log "--- tail of $SERVER_LOG"
    tail -n 30 "$SERVER_LOG" >&2 2>/dev/null || true
    die "PostgreSQL did not start on port $PG_PORT"
  fi
  local deadline=$((SECONDS + PG_START_TIMEOUT))
  until accepting; do
    ((SECONDS < deadline)) || die "PostgreSQL started but does not accept connections on port $PG_PORT (log: $SERVER_LOG)"
    sleep 0.3
  done
  write_state
  log "ready (pid $(pid_of_cluster))"
  echo "LAPOR_DATABASE_URL=$URL"
}

do_stop() {
  if ! server_running; then
    clear_state
    log "not running"
    return 0
  fi
  local rport
  rport="$(port_of_cluster)"
  log "stopping (pid $(pid_of_cluster))"
  as_pg "$PG_BIN/pg_ctl" -D "$CLUSTER" stop -m fast -w -t "$PG_START_TIMEOUT" >&2 \
    || die "pg_ctl stop failed (log: $SERVER_LOG)"
  clear_state
  local deadline=$((SECONDS + 15))
  while [[ -n "$rport" ]] && port_in_use "$PG_HOST" "$rport" && ((SECONDS < deadline)); do sleep 0.2; done
  log "stopped"
}

do_status() {
  if server_running && find_bin && accepting; then
    log "running (pid $(pid_of_cluster)) on $PG_HOST:$PG_PORT"
    return 0
  fi
  log "not running"
  return 1
}

do_destroy() {
  do_stop
  case "$PG_DATA_DIR" in
    /|/var|/var/tmp|/tmp|"$HOME") die "refusing to delete $PG_DATA_DIR" ;;
  esac
  rm -rf "$PG_DATA_DIR"
  rm -f "$PG_STATE_DIR/pg.port" "$PG_STATE_DIR/pg.pid" "$PG_STATE_DIR/pg.log" "$PG_STATE_DIR/datadir"
  rmdir "$PG_STATE_DIR" 2>/dev/null || true
}

case "${1:-}" in
  install) do_install ;;
  start) do_start ;;
  stop) do_stop ;;
  status) do_status ;;
  destroy) do_destroy ;;
  *) echo "usage: $0 install|start|stop|status|destroy" >&2; exit 2 ;;
esac
