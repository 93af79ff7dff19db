#!/usr/bin/env bash
# Self-check of saved_queries.py against the saved queries exactly as Terraform
# renders them from infra/modules/s3_access_log_table (plan.sh),
# over generated S3 server access log lines dated yesterday and today.
#
#   tests/athena/selftest.sh        # last line: PASS/FAIL summary
#
# Needs terraform (providers from /opt/tf-plugins or TF_PLUGIN_DIR when present,
# else the registry), java 17, python3.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"

python="$("$here/setup.sh" | tail -n1)"
plan_json="$("$here/plan.sh" | tail -n1)"

"$python" "$here/selftest.py" --plan "$plan_json" --regex-java "$repo/infra/checks/AthenaRegexTest.java" \
  --saved-queries "$here/saved_queries.py"
