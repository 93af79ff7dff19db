# Account B: the compaction Lambda (functions/compactor) beside the archive
# bucket. On every scheduled run (schedule.tf) it turns each settled day's
# partitions under <archive_prefix>/ into one verified gzip object per
# partition under <query_prefix>/, in the same layout, for Athena; the
# byte-exact originals stay where they are.
#
# Its role may only list and read the archive prefix and write the query
# prefix (infra/policies/compactor-permissions.json.tpl, the file the
# emulator tests apply). With a KMS archive, the key policy in log_archive
# grants this role by name (compactor_principal_arns), not this module.

data "aws_partition" "current" {}

locals {
  partition  = data.aws_partition.current.partition
  policy_dir = "${path.module}/../../policies"

  # Derived from the name, like everywhere in logferry, so the grants that
  # name this bucket do not depend on log_archive's state.
  archive_bucket_arn = "arn:${local.partition}:s3:::${var.archive_bucket_name}"

  # The one default, shared with the Rust writer (include_str!): a null
  # query_prefix means whatever the compactor would use without
  # LOGFERRY_QUERY_PREFIX, so Terraform and the binary cannot disagree.
  query_prefix = coalesce(var.query_prefix, trimspace(file("${path.module}/../../layout/query-prefix.txt")))

  function_name  = "${var.name_prefix}-compactor"
  log_group_name = "/aws/lambda/${local.function_name}"

  compactor_environment = merge(
    {
      LOGFERRY_ARCHIVE_BUCKET        = var.archive_bucket_name
      LOGFERRY_ARCHIVE_PREFIX        = var.archive_prefix
      LOGFERRY_QUERY_PREFIX          = local.query_prefix
      LOGFERRY_COMPACT_SETTLE_HOURS  = tostring(var.settle_hours)
      LOGFERRY_COMPACT_LOOKBACK_DAYS = tostring(var.lookback_days)
      LOGFERRY_COMPACT_CONCURRENCY   = tostring(var.concurrency)
    },
    # Omitted rather than empty: unset means the writer's default layout
    # (infra/layout/archive-key-template.txt), the only one the scheduled
    # run can find partitions in.
    var.key_template == null ? {} : { LOGFERRY_KEY_TEMPLATE = var.key_template },
  )

  compactor_policy_documents = [
    templatefile("${local.policy_dir}/compactor-permissions.json.tpl", {
      archive_bucket_arn = local.archive_bucket_arn
      archive_prefix     = var.archive_prefix
      query_prefix       = local.query_prefix
    }),
    templatefile("${local.policy_dir}/lambda-log-write.json.tpl", {
      log_group_arn = aws_cloudwatch_log_group.compactor.arn
    }),
  ]
}

# --- Execution role ------------------------------------------------------------------

resource "aws_iam_role" "compactor" {
  name                 = local.function_name
  description          = "logferry compactor: reads ${var.archive_bucket_name}/${var.archive_prefix}/, writes ${var.archive_bucket_name}/${local.query_prefix}/"
  permissions_boundary = var.permissions_boundary_arn
  tags                 = var.tags

  # The same trust template the shipper's role uses, for Lambda only.
  assume_role_policy = templatefile("${local.policy_dir}/service-trust.json.tpl", {
    service_principals = ["lambda.amazonaws.com"]
  })
}

# One document per concern, merged: S3 (archive read, query write) and the
# function's own log group. No KMS statement: the archive key's policy names
# this role itself (log_archive compactor_principal_arns), which is enough
# within account B.
data "aws_iam_policy_document" "compactor" {
  source_policy_documents = local.compactor_policy_documents
}

resource "aws_iam_role_policy" "compactor" {
  name   = "compact-archive"
  role   = aws_iam_role.compactor.id
  policy = data.aws_iam_policy_document.compactor.json
}

# --- Function ---------------------------------------------------------------------------

resource "aws_cloudwatch_log_group" "compactor" {
  #checkov:skip=CKV_AWS_158:Holds operational logs only (partition names, object keys, counts, errors), encrypted at rest by CloudWatch Logs; a CMK here would also need a logs.<region> key policy grant.
  name              = local.log_group_name
  retention_in_days = var.log_retention_days
  tags              = var.tags
}

resource "aws_lambda_function" "compactor" {
  #checkov:skip=CKV_AWS_116:Invoked asynchronously by EventBridge Scheduler with retries off (compactor_invoke); a failed run loses nothing (the originals stay) and the next scheduled run is the retry, so a DLQ would only collect stale schedule ticks. Failures are visible in the Errors alarm.
  #checkov:skip=CKV_AWS_117:Talks only to S3 and CloudWatch public endpoints; no VPC resources to reach.
  #checkov:skip=CKV_AWS_173:Environment holds a bucket name, two prefixes and two numbers; none is a secret.
  #checkov:skip=CKV_AWS_272:The zip is built from this repository by cargo lambda in CI; code signing is left to deployments that run a signing profile.
  #checkov:skip=CKV_AWS_50:Started by a schedule, not by a traced request, and the compactor emits no X-Ray segments (its role has no xray permissions); each run's outcome is in its log group and the Errors alarm.
  function_name = local.function_name
  description   = "logferry: compacts settled days of ${var.archive_bucket_name}/${var.archive_prefix}/ into ${local.query_prefix}/"
  role          = aws_iam_role.compactor.arn
  runtime       = "provided.al2023"
  architectures = ["arm64"]
  handler       = "bootstrap"
  # filebase64sha256 fails the plan with a clear error when the zip has not
  # been built (make package).
  filename         = var.lambda_zip_path
  source_code_hash = filebase64sha256(var.lambda_zip_path)
  # The handler stops starting partitions 60 s before its deadline and
  # aborts a cut-off upload 10 s before it (functions/compactor), so a large
  # backlog is spread over runs instead of failing at the limit.
  timeout = var.timeout
  # gzip is CPU-bound and Lambda allocates CPU in proportion to memory.
  memory_size = var.memory_size
  # One run at a time. Runs are idempotent (same sources, same output key and
  # bytes), so a second one would not corrupt anything, only redo the work.
  reserved_concurrent_executions = 1

  environment {
    variables = local.compactor_environment
  }

  # Text, not JSON: the compactor writes plain tracing lines (RUST_LOG
  # filter, default info) and does not switch to JSON as the shipper does.
  logging_config {
    log_format = "Text"
    log_group  = aws_cloudwatch_log_group.compactor.name
  }

  tags = var.tags

  lifecycle {
    precondition {
      # Both ways round: compacted copies under the archive prefix would be
      # compacted again; an archive under the query prefix would be deleted
      # as "older outputs".
      condition     = !startswith("${var.archive_prefix}/", "${local.query_prefix}/") && !startswith("${local.query_prefix}/", "${var.archive_prefix}/")
      error_message = "query_prefix \"${local.query_prefix}\" and archive_prefix \"${var.archive_prefix}\" must not contain one another."
    }
  }

  depends_on = [aws_iam_role_policy.compactor]
}

# Scheduler invokes Lambda asynchronously ("When you set up EventBridge
# Scheduler with Lambda, EventBridge Scheduler invokes your Lambda function
# asynchronously", Lambda developer guide), and Lambda retries a failed
# asynchronous invocation twice by default. Off: a failed partition keeps its
# sources and the next scheduled run compacts it again, so an immediate retry
# would only repeat the failure (often a timeout) inside the same hour.
resource "aws_lambda_function_event_invoke_config" "compactor" {
  function_name          = aws_lambda_function.compactor.function_name
  maximum_retry_attempts = 0
}
