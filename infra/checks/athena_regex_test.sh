#!/usr/bin/env bash
# Checks the RegexSerDe pattern of the S3 server access log Glue table against
# AWS's documented sample records (infra/checks/fixtures/), records with new
# trailing fields, and lines that must not match.
#
# The pattern and the column list exist once, in infra/modules/s3_access_log_table/,
# and that module's main.tf reads both with file(); this script fails if it
# stops doing so, so the test always exercises what Terraform deploys.
#
#   infra/checks/athena_regex_test.sh
#
# Needs java 11+ (single-file source launch). Last line: PASS/FAIL summary.
set -euo pipefail

checks_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
infra_dir="$(dirname "$checks_dir")"
table_module="$infra_dir/modules/s3_access_log_table"
regex_file="$table_module/s3_access_log.regex"
columns_file="$table_module/s3_access_log_columns.json"
samples="$checks_dir/fixtures/s3_access_log_samples.log"

fail() {
  echo "FAIL: athena regex test: $*"
  exit 1
}

for f in "$regex_file" "$columns_file" "$samples" "$table_module/main.tf"; do
  [[ -f "$f" ]] || fail "missing $f"
done

# The table must take its regex and columns from these files, not a copy.
grep -q 'file("${path.module}/s3_access_log.regex")' "$table_module/main.tf" \
  || fail "$table_module/main.tf does not read s3_access_log.regex with file()"
grep -q 'file("${path.module}/s3_access_log_columns.json")' "$table_module/main.tf" \
  || fail "$table_module/main.tf does not read s3_access_log_columns.json with file()"
# No other Terraform file may define its own input.regex.
others="$(grep -rl --include='*.tf' 'input.regex' "$infra_dir" | grep -v "^$table_module/main.tf$" || true)"
[[ -z "$others" ]] || fail "input.regex set outside s3_access_log_table: $others"

command -v java >/dev/null 2>&1 || fail "java not found (needs 11+)"

java "$checks_dir/AthenaRegexTest.java" "$regex_file" "$columns_file" "$samples"
