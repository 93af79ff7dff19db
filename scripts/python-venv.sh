#!/usr/bin/env bash
# Creates (once) a cached Python venv from a pinned requirements file and
# prints the venv's bin directory as its LAST line. Shared by the helpers
# that need Python packages (bench/setup.sh, tests/athena/setup.sh).
#
#   scripts/python-venv.sh NAME REQUIREMENTS CHECK [PIP_ARG...]
#
# The venv is $LOGFERRY_CACHE/NAME-venv-<hash of REQUIREMENTS>, so changing
# a pin builds a new one; concurrent first runs are serialised with flock.
# CHECK is Python code run in the new venv (e.g. `import duckdb`) before it
# counts as complete. Quiet when the venv exists (pip's output goes to a log
# beside it). On failure: one line on stderr naming the fix, exit 1.
set -euo pipefail

[[ $# -ge 3 ]] || { echo "usage: $(basename "$0") NAME REQUIREMENTS CHECK [PIP_ARG...]" >&2; exit 2; }
name="$1" requirements="$2" check="$3"
shift 3
python="${PYTHON:-python3}"
hash="$(sha256sum <"$requirements" | cut -c1-16)"
cache_dir="${LOGFERRY_CACHE:-$HOME/.cache/logferry}"
venv="$cache_dir/$name-venv-$hash"
log="$cache_dir/$name-venv-$hash.install.log"

if [[ ! -f "$venv/.complete" ]]; then
  command -v "$python" >/dev/null || {
    echo "FAIL: $python not found; install Python 3.9+ with venv (apt-get install python3-venv) or set PYTHON" >&2
    exit 1
  }
  mkdir -p "$cache_dir"
  exec 9>"$cache_dir/$name-venv.lock"
  flock 9
  if [[ ! -f "$venv/.complete" ]]; then
    rm -rf "$venv"
    if ! {
      "$python" -m venv "$venv" &&
        "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
          "$@" -r "$requirements" &&
        "$venv/bin/python" -c "$check"
    } >"$log" 2>&1; then
      echo "FAIL: could not install $requirements into $venv; fix the cause in $log (python3-venv missing? PyPI unreachable?) and rerun" >&2
      exit 1
    fi
    touch "$venv/.complete"
  fi
  flock -u 9
fi
echo "$venv/bin"
