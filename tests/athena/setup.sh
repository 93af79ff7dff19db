#!/usr/bin/env bash
# Creates (once) the venv that runs tests/athena/saved_queries.py and prints the
# venv's python path as its LAST line of output.
#
#   py="$(tests/athena/setup.sh | tail -n1)"
#   LOGFERRY_CACHE=/tmp/c tests/athena/setup.sh
#
# The venv is keyed by a hash of requirements.txt, so changing a pin builds a new
# one; concurrent first runs are serialised with flock. Quiet when the venv
# exists. On failure: one line naming the install log, exit 1.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
python="${PYTHON:-python3}"
requirements="$here/requirements.txt"
hash="$(sha256sum <"$requirements" | cut -c1-16)"
cache_dir="${LOGFERRY_CACHE:-$HOME/.cache/logferry}"
venv="$cache_dir/athena-venv-$hash"
log="$cache_dir/athena-venv-$hash.install.log"

if [[ ! -f "$venv/.complete" ]]; then
  mkdir -p "$cache_dir"
  exec 9>"$cache_dir/athena-venv.lock"
  flock 9
  if [[ ! -f "$venv/.complete" ]]; then
    rm -rf "$venv"
    if ! {
      "$python" -m venv "$venv" &&
        "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
          --only-binary=:all: -r "$requirements" &&
        "$venv/bin/python" -c 'import duckdb, sqlglot'
    } >"$log" 2>&1; then
      echo "FAIL: could not install tests/athena/requirements.txt into $venv (see $log)" >&2
      exit 1
    fi
    touch "$venv/.complete"
  fi
  flock -u 9
fi
echo "$venv/bin/python"
