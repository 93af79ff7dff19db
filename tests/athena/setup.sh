#!/usr/bin/env bash
# Creates (once) the venv that runs tests/athena/saved_queries.py and prints the
# venv's python path as its LAST line of output.
#
#   py="$(tests/athena/setup.sh | tail -n1)"
#   LOGFERRY_CACHE=/tmp/c tests/athena/setup.sh
#
# See scripts/python-venv.sh for the cache, the lock and the failure line.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bin="$("$here/../../scripts/python-venv.sh" athena "$here/requirements.txt" \
  'import duckdb, sqlglot' --only-binary=:all: | tail -n1)"
echo "$bin/python"
