#!/usr/bin/env bash
# Creates (once) the venv that runs bench/peers.py, bench/python_handler.py and
# the AWS CLI v1 peer, and prints the venv's bin directory as its LAST line.
#
#   bin="$(bench/setup.sh | tail -n1)"; "$bin/python" bench/peers.py --help
#   LOGFERRY_CACHE=/tmp/c bench/setup.sh
#
# The venv is keyed by a hash of requirements.txt, so changing a pin builds a new
# one; concurrent first runs are serialised with flock. Quiet when the venv
# exists (pip's output goes to a log beside the venv). On failure: one line on
# stderr naming the fix, exit 1.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
python="${PYTHON:-python3}"
requirements="$here/requirements.txt"
hash="$(sha256sum <"$requirements" | cut -c1-16)"
cache_dir="${LOGFERRY_CACHE:-$HOME/.cache/logferry}"
venv="$cache_dir/bench-venv-$hash"
log="$cache_dir/bench-venv-$hash.install.log"

if [[ ! -f "$venv/.complete" ]]; then
  command -v "$python" >/dev/null || {
    echo "FAIL: $python not found; install Python 3.9+ with venv (apt-get install python3-venv) or set PYTHON" >&2
    exit 1
  }
  mkdir -p "$cache_dir"
  exec 9>"$cache_dir/bench-venv.lock"
  flock 9
  if [[ ! -f "$venv/.complete" ]]; then
    rm -rf "$venv"
    if ! {
      "$python" -m venv "$venv" &&
        "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
          -r "$requirements" &&
        "$venv/bin/python" -c 'import boto3, botocore, awscli' &&
        "$venv/bin/aws" --version
    } >"$log" 2>&1; then
      echo "FAIL: could not install bench/requirements.txt into $venv; fix the cause in $log (python3-venv missing? PyPI unreachable?) and rerun" >&2
      exit 1
    fi
    touch "$venv/.complete"
  fi
  flock -u 9
fi
echo "$venv/bin"
