# Helpers shared by deploy/*.sh (sourced, never run). The sourcing script sets SCRIPT_NAME first.
# shellcheck shell=bash

DEPLOY_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
REPO_ROOT="$(dirname "$DEPLOY_DIR")"

log() { printf '%s: %s\n' "$SCRIPT_NAME" "$*" >&2; }
die() { printf '%s: error: %s\n' "$SCRIPT_NAME" "$*" >&2; exit 1; }
abspath() { case "$1" in /*) printf '%s\n' "$1" ;; *) printf '%s\n' "$PWD/$1" ;; esac; }

# Close file descriptors the caller may have leaked to us (other than stdin/stdout/stderr and the
# one bash reads the script from): a detached server started by the script must hold none of them.
close_inherited_fds() {
  local fd
  for fd in "/proc/$$/fd/"*; do
    fd="${fd##*/}"
    case "$fd" in 0|1|2|255) ;; *) eval "exec $fd>&-" 2>/dev/null || true ;; esac
  done
}

# The project's python (stdlib is enough), else the system's.
PYTHON=""
find_python() {
  [[ -n "$PYTHON" ]] && return 0
  if [[ -x "$REPO_ROOT/.venv/bin/python" ]]; then PYTHON="$REPO_ROOT/.venv/bin/python"
  elif command -v python3 >/dev/null 2>&1; then PYTHON="$(command -v python3)"
  else die "python3 is required (port and readiness checks)"; fi
}

# port_in_use HOST PORT -> 0 when something listens on / holds HOST:PORT
port_in_use() {
  find_python
  "$PYTHON" - "$1" "$2" <<'PY'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
try:
    s.bind((sys.argv[1], int(sys.argv[2])))
except OSError:
    sys.exit(0)   # in use
finally:
    s.close()
sys.exit(1)       # free
PY
}

# apt_install PKG... : `apt-get update` once per run, non-interactive; sudo -n when not root.
# APT_INSTALL_FLAGS adds flags to apt-get install (e.g. --no-install-recommends).
APT_UPDATED=0
apt_install() {
  local sudo=""
  if [[ $EUID -ne 0 ]]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo="sudo -n"
    else die "missing system packages ($*): install them (apt-get install $*) or run as root"; fi
  fi
  command -v apt-get >/dev/null 2>&1 || die "missing $* and no apt-get on this machine; install them manually"
  if [[ $APT_UPDATED -eq 0 ]]; then
    log "apt-get update"
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q >&2 || die "apt-get update failed"
    APT_UPDATED=1
  fi
  log "apt-get install -y $*"
  # shellcheck disable=SC2086  # the flags are meant to split
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q ${APT_INSTALL_FLAGS:-} "$@" >&2 \
    || die "apt-get install $* failed"
}
