# What starts the compactor: an EventBridge Scheduler schedule with a role
# that may invoke this one function and nothing else. Its alarms are in
# alarms.tf.

data "aws_caller_identity" "current" {}
data "aws_region" "current" {}

locals {
  # From the name, like every ARN logferry grants: the policy below then
  # depends on no resource, so it is read at plan time and a plan right
  # after apply is clean.
  function_arn = "arn:${local.partition}:lambda:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:function:${local.function_name}"
}

# Same-account service trust, so an aws_iam_policy_document rather than a
# shared template: nothing outside this module or the emulator tests needs it.
# aws:SourceAccount keeps schedules of other accounts from borrowing the role
# (the confused-deputy guard EventBridge Scheduler's execution role docs show).
data "aws_iam_policy_document" "scheduler_trust" {
  statement {
    sid     = "AssumeFromSchedulerInThisAccount"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["scheduler.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }
}

resource "aws_iam_role" "scheduler" {
  name                 = "${local.function_name}-scheduler"
  description          = "EventBridge Scheduler: invokes ${local.function_name} on its schedule"
  permissions_boundary = var.permissions_boundary_arn
  assume_role_policy   = data.aws_iam_policy_document.scheduler_trust.json
  tags                 = var.tags
}

data "aws_iam_policy_document" "scheduler" {
  statement {
    sid       = "InvokeCompactorOnly"
    actions   = ["lambda:InvokeFunction"]
    resources = [local.function_arn]
  }
}

resource "aws_iam_role_policy" "scheduler" {
  name   = "invoke-compactor"
  role   = aws_iam_role.scheduler.id
  policy = data.aws_iam_policy_document.scheduler.json
}

resource "aws_scheduler_schedule" "compactor" {
  #checkov:skip=CKV_AWS_297:The schedule carries no input (Scheduler sends its default notification, which the compactor ignores); there is nothing for a customer managed key to protect.
  name                = local.function_name
  description         = "logferry: compacts settled days of ${var.archive_bucket_name}/${var.archive_prefix}/"
  schedule_expression = var.schedule_expression

  # Each run starts at its scheduled time: one function, one run at a time,
  # there is no load to spread over a window.
  flexible_time_window {
    mode = "OFF"
  }

  target {
    arn      = aws_lambda_function.compactor.arn
    role_arn = aws_iam_role.scheduler.arn

    # No retries: the next scheduled run is the retry. A failed partition
    # loses nothing (its sources stay; nothing is deleted from the archive),
    # and every run compacts all of the last lookback_days settled days, so
    # whatever one run missed the next one does.
    retry_policy {
      maximum_retry_attempts = 0
    }
  }

  lifecycle {
    precondition {
      condition     = aws_lambda_function.compactor.arn == local.function_arn
      error_message = "The compactor's ARN differs from the one derived from its name, which the scheduler role's policy grants."
    }
  }

  # The role must be able to invoke before the first tick.
  depends_on = [aws_iam_role_policy.scheduler]
}
