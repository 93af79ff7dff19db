# The shipper Lambda and its least-privilege role. Every statement of the
# role's policy comes from infra/policies/*.json.tpl, the same files the
# emulator tests apply, so what is tested is what is deployed.

# How the shipper reaches the archive (the mode's write documents) is decided
# in one place, shared with writer_principal.
module "write_policy" {
  source = "../shipper_write_policy"

  mode                 = var.mode
  archive_bucket_arn   = local.archive_bucket_arn
  archive_prefix       = var.archive_prefix
  source_account_id    = var.source_account_id
  archive_kms_key_arns = var.archive_kms_key_arn == null ? [] : [var.archive_kms_key_arn]
  writer_role_arn      = var.writer_role_arn
}

locals {
  shipper_policy_documents = concat(
    [
      templatefile("${local.policy_dir}/shipper-source-read.json.tpl", {
        source_object_arns = local.source_object_arns
      }),
      templatefile("${local.policy_dir}/shipper-queue-consume.json.tpl", {
        queue_arn = aws_sqs_queue.shipper.arn
      }),
      templatefile("${local.policy_dir}/lambda-log-write.json.tpl", {
        log_group_arn = aws_cloudwatch_log_group.shipper.arn
      }),
    ],
    module.write_policy.policy_documents,
    length(local.source_kms_key_arns) > 0 ? [
      templatefile("${local.policy_dir}/kms-decrypt.json.tpl", {
        kms_key_arns = local.source_kms_key_arns
      }),
    ] : [],
  )

  shipper_environment = merge(
    {
      LOGFERRY_AUTH_MODE      = var.mode
      LOGFERRY_DEST_BUCKET    = var.archive_bucket_name
      LOGFERRY_DEST_PREFIX    = var.archive_prefix
      LOGFERRY_SOURCE_ACCOUNT = var.source_account_id
    },
    # Never a placeholder: the function's precondition refuses to plan
    # assume-role mode without both values.
    var.mode == "assume-role" ? {
      LOGFERRY_ROLE_ARN    = var.writer_role_arn
      LOGFERRY_EXTERNAL_ID = var.external_id
    } : {},
    var.key_template == null ? {} : { LOGFERRY_KEY_TEMPLATE = var.key_template },
    var.shipper_concurrency == null ? {} : { LOGFERRY_CONCURRENCY = tostring(var.shipper_concurrency) },
  )
}

resource "aws_iam_role" "shipper" {
  name = local.shipper_role_name
  assume_role_policy = templatefile("${local.policy_dir}/service-trust.json.tpl", {
    service_principals = ["lambda.amazonaws.com"]
  })
  tags = var.tags
}

data "aws_iam_policy_document" "shipper" {
  source_policy_documents = local.shipper_policy_documents

  lifecycle {
    precondition {
      condition     = length(module.write_policy.configuration_errors) == 0
      error_message = "log_source: ${join(" ", module.write_policy.configuration_errors)}"
    }
  }
}

resource "aws_iam_role_policy" "shipper" {
  name   = "${var.name_prefix}-shipper"
  role   = aws_iam_role.shipper.id
  policy = data.aws_iam_policy_document.shipper.json
}

resource "aws_cloudwatch_log_group" "shipper" {
  #checkov:skip=CKV_AWS_158:Holds operational logs only (object keys, sizes, errors), encrypted at rest by CloudWatch Logs; a CMK here would also need a logs.<region> key policy grant.
  name              = local.log_group_name
  retention_in_days = var.log_retention_days
  tags              = var.tags
}

resource "aws_lambda_function" "shipper" {
  #checkov:skip=CKV_AWS_116:Invoked synchronously by the SQS event source mapping; failed messages go to the queue's redrive DLQ. A function DLQ only applies to async invocations.
  #checkov:skip=CKV_AWS_117:Talks only to S3, SQS, STS and CloudWatch public endpoints; no VPC resources to reach.
  #checkov:skip=CKV_AWS_173:Environment holds bucket names, a prefix, a role ARN and an external id; none is a secret (the external id guards against confused deputies, not theft).
  #checkov:skip=CKV_AWS_115:Concurrency is capped by the event source mapping's maximum_concurrency; reserving it is opt-in (reserved_concurrency) because a reservation fails on accounts whose concurrency quota is still 10.
  #checkov:skip=CKV_AWS_272:The zip is built from this repository by cargo lambda in CI; code signing is left to deployments that run a signing profile.
  function_name                  = local.function_name
  description                    = "logferry: ships new log objects of this account's log buckets to the archive account"
  role                           = aws_iam_role.shipper.arn
  runtime                        = "provided.al2023"
  architectures                  = ["arm64"]
  handler                        = "bootstrap"
  filename                       = var.lambda_zip_path
  source_code_hash               = filebase64sha256(var.lambda_zip_path)
  timeout                        = var.function_timeout_seconds
  memory_size                    = var.memory_size_mb
  reserved_concurrent_executions = var.reserved_concurrency

  environment {
    variables = local.shipper_environment
  }

  logging_config {
    log_format            = "JSON"
    log_group             = aws_cloudwatch_log_group.shipper.name
    application_log_level = var.application_log_level
    system_log_level      = "INFO"
  }

  tracing_config {
    mode = var.tracing_mode
  }

  tags = var.tags

  lifecycle {
    precondition {
      condition     = data.aws_caller_identity.current.account_id == var.source_account_id
      error_message = "The aws provider given to log_source is not in source_account_id."
    }

    precondition {
      condition     = var.mode == "direct" || (var.writer_role_arn != null && var.external_id != null)
      error_message = "mode = \"assume-role\" needs writer_role_arn and external_id (LOGFERRY_ROLE_ARN and LOGFERRY_EXTERNAL_ID of the shipper)."
    }
  }

  depends_on = [aws_iam_role_policy.shipper]
}

resource "aws_lambda_event_source_mapping" "shipper" {
  event_source_arn                   = aws_sqs_queue.shipper.arn
  function_name                      = aws_lambda_function.shipper.arn
  enabled                            = var.shipping_enabled
  batch_size                         = var.batch_size
  maximum_batching_window_in_seconds = var.maximum_batching_window_in_seconds
  function_response_types            = ["ReportBatchItemFailures"]

  scaling_config {
    maximum_concurrency = var.maximum_concurrency
  }

  lifecycle {
    precondition {
      condition     = var.reserved_concurrency == -1 || var.reserved_concurrency >= var.maximum_concurrency
      error_message = "reserved_concurrency must be -1 or at least maximum_concurrency, or the mapping gets throttled."
    }
  }
}
