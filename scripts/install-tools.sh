#!/usr/bin/env bash
# Python-packaged build tools (cargo-lambda and zig for `make package`) in a
# venv under the cache, keyed by their pinned versions.
set -euo pipefail
cache="${LOGFERRY_CACHE:-$HOME/.cache/logferry}"
venv="$cache/tools-venv-cargo-lambda-1.9.2-zig-0.17.1"
if [ ! -x "$venv/bin/cargo-lambda" ]; then
  mkdir -p "$cache"
  exec 9>"$cache/tools-venv.lock"
  flock 9
  if [ ! -x "$venv/bin/cargo-lambda" ]; then
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check cargo-lambda==1.9.2 ziglang==0.17.1
  fi
fi
echo "$venv/bin"
