#!/usr/bin/env bash
# Installs the system packages the tests need on a fresh Debian machine; a fast no-op when present.
#
# Usage: deploy/system-deps.sh [--with-browser] [--check]
#
#   java >= 17 + mvn   -> default-jdk-headless, maven       (Apache Kafka from Maven Central jars)
#   initdb, psql       -> postgresql (+ postgresql-client)  (binaries in /usr/lib/postgresql/<v>/bin)
#   python3            -> python3                            (port/readiness checks in deploy/*.sh)
#   bearerbox, smsbox  -> kannel, kannel-extras              (the SMS gateway; test SMSCs)
#   --with-browser     -> chromium, chromium-driver          (page tests; /usr/bin/chromium)
#   --check            only report what is missing; exit 1 if anything is.
#
# Runs `apt-get update` at most once, with DEBIAN_FRONTEND=noninteractive. As non-root it uses
# `sudo -n` when available. If Debian's postinst starts the default cluster (e.g. 15/main on 5432)
# while installing postgresql, that cluster is stopped and set to start manually: lapor runs its own
# server (deploy/postgres.sh) and needs the port free. Likewise a Kannel the package starts
# (/etc/kannel/kannel.conf) is stopped and disabled: `lapor dev up` runs its own on 13000/13013.
set -euo pipefail

SCRIPT_NAME=system-deps.sh
# shellcheck source=deploy/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

with_browser=0
check_only=0
for arg in "$@"; do
  case "$arg" in
    --with-browser) with_browser=1 ;;
    --check) check_only=1 ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) die "unknown argument '$arg'" ;;
  esac
done

java_major() {
  command -v java >/dev/null 2>&1 || { echo 0; return; }
  java -version 2>&1 | awk -F'"' '/version/ {split($2, v, "."); print (v[1] == "1" ? v[2] : v[1]); exit}'
}

have_initdb() { compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null; }

pkgs=()
[[ "$(java_major)" -ge 17 ]] 2>/dev/null || pkgs+=(default-jdk-headless)
command -v mvn >/dev/null 2>&1 || pkgs+=(maven)
have_initdb || pkgs+=(postgresql)
command -v psql >/dev/null 2>&1 || pkgs+=(postgresql-client)
command -v python3 >/dev/null 2>&1 || pkgs+=(python3)
[[ -x /usr/sbin/bearerbox && -x /usr/sbin/smsbox ]] || command -v bearerbox >/dev/null 2>&1 || pkgs+=(kannel)
[[ -x /usr/lib/kannel/test/fakesmsc ]] || pkgs+=(kannel-extras)
command -v runuser >/dev/null 2>&1 && command -v flock >/dev/null 2>&1 || pkgs+=(util-linux)
if ((with_browser)); then
  [[ -x /usr/bin/chromium ]] || pkgs+=(chromium)
  [[ -x /usr/bin/chromedriver ]] || pkgs+=(chromium-driver)
fi

if ((${#pkgs[@]} == 0)); then
  exit 0
fi
if ((check_only)); then
  log "missing: ${pkgs[*]}"
  exit 1
fi

clusters_before="$(pg_lsclusters -h 2>/dev/null | awk '{print $1 "/" $2}' || true)"
apt_install "${pkgs[@]}"
sudo=""  # apt_install has refused already when neither root nor `sudo -n` works
[[ $EUID -eq 0 ]] || sudo="sudo -n"

# Stop clusters the postgresql postinst just created and started; leave pre-existing ones alone.
if command -v pg_lsclusters >/dev/null 2>&1; then
  while read -r ver name port status _; do
    grep -qx "$ver/$name" <<<"$clusters_before" && continue
    if [[ "$status" == online* ]]; then
      log "stopping Debian cluster $ver/$name on port $port (lapor runs its own server)"
      $sudo pg_ctlcluster "$ver" "$name" stop >&2 || true
    fi
    if [[ -f "/etc/postgresql/$ver/$name/start.conf" ]]; then
      echo manual | $sudo tee "/etc/postgresql/$ver/$name/start.conf" >/dev/null
    fi
  done < <(pg_lsclusters -h 2>/dev/null || true)
fi

# Stop a Kannel the package started with its default configuration; lapor starts its own.
if [[ " ${pkgs[*]} " == *" kannel "* ]]; then
  if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet kannel 2>/dev/null; then
    log "stopping Debian's kannel service (lapor runs its own bearerbox and smsbox)"
    $sudo systemctl disable --now kannel >&2 || true
  elif [[ -x /etc/init.d/kannel ]]; then
    $sudo /etc/init.d/kannel stop >/dev/null 2>&1 || true
  fi
fi

[[ "$(java_major)" -ge 17 ]] || die "Java 17 or newer is required by Apache Kafka 4 (found: $(java -version 2>&1 | head -n1))"
log "installed: ${pkgs[*]}"
