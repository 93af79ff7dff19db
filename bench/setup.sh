#!/usr/bin/env bash
# Creates (once) the venv that runs bench/peers.py, bench/python_handler.py and
# the AWS CLI v1 peer, and prints the venv's bin directory as its LAST line.
#
#   bin="$(bench/setup.sh | tail -n1)"; "$bin/python" bench/peers.py --help
#   LOGFERRY_CACHE=/tmp/c bench/setup.sh
#
# See scripts/python-venv.sh for the cache, the lock and the failure line.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
exec "$here/../scripts/python-venv.sh" bench "$here/requirements.txt" \
  'import boto3, botocore, awscli'
