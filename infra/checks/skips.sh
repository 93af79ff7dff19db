#!/usr/bin/env bash
# skips.sh OUTPUT KNOWN: every SKIP line in OUTPUT must be a named gap of
# KNOWN (lines `<prefix> | <reason>`). Prints one line per skip, FAIL for an
# unnamed one, and exits with the number of unnamed skips.
#   skips.sh --self-test   checks this script on samples (run.sh runs it).
set -uo pipefail

check_skips() {
  local output="$1" known="$2" unnamed=0 line prefix reason named
  while IFS= read -r line; do
    named=""
    while IFS= read -r gap; do
      [[ -z "$gap" || "$gap" == \#* ]] && continue
      prefix="${gap%% | *}"
      reason="${gap#* | }"
      if [[ "$line" == "$prefix"* ]]; then
        named="$reason"
        break
      fi
    done <"$known"
    if [[ -n "$named" ]]; then
      echo "GAP   ${line#SKIP  } ($named)"
    else
      echo "FAIL  unnamed skip: ${line#SKIP  }; name it in infra/checks/known-skips.txt with its reason, or make the check run"
      unnamed=$((unnamed + 1))
    fi
  done < <(grep -E '^SKIP  ' "$output" || true)
  return "$unnamed"
}

self_test() {
  local dir
  dir="$(mktemp -d)"
  trap 'rm -rf "$dir"' RETURN
  printf 'SKIP  validate modules/a: | a reason\n' >"$dir/known"
  printf 'PASS  one\nSKIP  validate modules/a: provider x missing\n' >"$dir/named"
  printf 'SKIP  validate modules/b: provider y missing\nSKIP  validate modules/a: z\n' >"$dir/unnamed"
  check_skips "$dir/named" "$dir/known" >/dev/null || { echo "FAIL  skips self-test: a named skip was refused"; return 1; }
  check_skips "$dir/unnamed" "$dir/known" >"$dir/out"
  local status=$?
  if [[ "$status" -ne 1 ]] || ! grep -q 'unnamed skip: validate modules/b' "$dir/out"; then
    echo "FAIL  skips self-test: an unnamed skip passed"
    return 1
  fi
  echo "PASS  skips        self-test: named gaps pass, an unnamed skip fails"
}

if [[ "${1:-}" == "--self-test" ]]; then
  self_test
else
  check_skips "$1" "$2"
fi
