#!/usr/bin/env bash
# The logferry wheel (crates/python): an abi3 wheel for CPython 3.9+ on
# manylinux2014 x86_64, which Glue's Python shell (Python 3.9) can load.
#
#   scripts/python-package.sh [--release]
#
# Builds with maturin and zig (linking against manylinux2014's glibc) from a
# cached venv (crates/python/requirements.txt) on Python 3.9 when pyenv has it,
# in its own target directory (target/wheel). Prints, as its last two lines,
# the wheel's path and the venv's bin directory (pytest is there).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
profile=()
[[ "${1:-}" == "--release" ]] && profile=(--release)

# Glue's Python: 3.9. Any Python 3.9+ builds the same abi3 wheel, but testing
# on 3.9 proves it loads there.
python="${PYTHON:-}"
if [[ -z "$python" ]]; then
  if command -v pyenv >/dev/null 2>&1; then
    python="$(ls -d "$(pyenv root)"/versions/3.9.*/bin/python3 2>/dev/null | sort -V | tail -1 || true)"
  fi
  python="${python:-python3}"
fi
"$python" -c 'import sys; sys.exit(sys.version_info < (3, 9))' 2>/dev/null || {
  echo "python-package.sh: $python is missing or older than 3.9; install Python 3.9+ (pyenv install 3.9) or set PYTHON" >&2
  exit 1
}
bin="$(PYTHON="$python" "$repo/scripts/python-venv.sh" python-package "$repo/crates/python/requirements.txt" \
  'import maturin, ziglang, pytest' | tail -1)"
out="${CARGO_TARGET_DIR:-$repo/target}/wheels"
rm -f "$out"/logferry-*.whl
PATH="$bin:$PATH" CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$repo/target}/wheel" \
  "$bin/maturin" build --quiet "${profile[@]}" --zig --compatibility manylinux2014 \
  --manifest-path "$repo/crates/python/Cargo.toml" --out "$out" --interpreter "$python" >&2 || {
  echo "python-package.sh: the wheel did not build (maturin's output is above); fix the cause and rerun" >&2
  exit 1
}
ls "$out"/logferry-*.whl
echo "$bin"
