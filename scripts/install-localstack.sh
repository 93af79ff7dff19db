#!/usr/bin/env bash
# Installs (once) LocalStack, pinned in scripts/localstack-requirements.txt,
# into a venv under the cache and prints the venv's python as its LAST line.
# scripts/localstack.sh runs it; no Docker and no auth token are needed.
#
#   py="$(scripts/install-localstack.sh | tail -n1)"
#   LOGFERRY_CACHE=/tmp/c scripts/install-localstack.sh
#
# LocalStack 4.14 needs Python 3.13: $LOCALSTACK_PYTHON if set, else pyenv's
# 3.13.0, else python3.13 on PATH. The first run takes about a minute and
# 0.5 GB ($LOGFERRY_CACHE/localstack-venv-<hash>, pip's output in the .log
# beside it); later runs are instant. See scripts/python-venv.sh for the
# cache, the lock and the failure line.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
requirements="$here/localstack-requirements.txt"

fail() { echo "FAIL: $*" >&2; exit 1; }

python="${LOCALSTACK_PYTHON:-}"
if [[ -z "$python" ]] && command -v pyenv >/dev/null 2>&1; then
  candidate="$(pyenv root)/versions/3.13.0/bin/python3"
  if [[ -x "$candidate" ]]; then python="$candidate"; fi
fi
if [[ -z "$python" ]] && command -v python3.13 >/dev/null 2>&1; then
  python="$(command -v python3.13)"
fi
[[ -n "$python" ]] ||
  fail "LocalStack needs Python 3.13 and none was found; install it with \`pyenv install 3.13.0\` (or set LOCALSTACK_PYTHON=/path/to/python3.13)"
"$python" -c 'import sys, venv; sys.exit(sys.version_info[:2] != (3, 13))' 2>/dev/null ||
  fail "$python is not a Python 3.13 with venv; install one with \`pyenv install 3.13.0\` (or set LOCALSTACK_PYTHON=/path/to/python3.13)"

# The same name python-venv.sh computes, only to say that a slow first run is one.
cache_dir="${LOGFERRY_CACHE:-$HOME/.cache/logferry}"
venv="$cache_dir/localstack-venv-$(sha256sum <"$requirements" | cut -c1-16)"
[[ -f "$venv/.complete" ]] ||
  echo "installing localstack-core 4.14.0 into $venv (once; ~1 minute, 0.5 GB)" >&2

# The file is the complete set, so --no-deps; pip check proves it is. The
# imports are the ones that fail when a pin drifts (see the requirements).
check='
import subprocess, sys
import cbor2._decoder, OpenSSL, localstack.aws.components, localstack.aws.serving.twisted
assert int(OpenSSL.__version__.split(".")[0]) < 26, OpenSSL.__version__
subprocess.run([sys.executable, "-m", "pip", "check"], check=True)
'
bin="$(PYTHON="$python" "$here/python-venv.sh" localstack "$requirements" "$check" --no-deps | tail -n1)"
echo "$bin/python"
