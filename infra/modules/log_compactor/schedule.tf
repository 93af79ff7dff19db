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

  # The schedule's group, and its ARN from its known parts
  # (arn:<partition>:scheduler:<region>:<account>:schedule-group/<name>): the
  # role's trust names it before any group or schedule exists, and the
  # schedule, which needs the role, comes after both. No cycle.
  create_schedule_group = var.schedule_group_name != "default"
  schedule_group_arn    = "arn:${local.partition}:scheduler:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:schedule-group/${var.schedule_group_name}"
}

# Same-account service trust, so an aws_iam_policy_document rather than a
# shared template: nothing outside this module or the emulator tests needs it.
# EventBridge Scheduler's confused-deputy guidance: "We recommend using the
# aws:SourceArn and aws:SourceAccount global condition context keys in your
# schedule execution role ... The value of aws:SourceArn must be your
# EventBridge Scheduler schedule group ARN to which you want to scope this
# condition. Do not scope the aws:SourceArn statement to a specific schedule
# or a schedule name prefix. The ARN you specify must be a schedule group."
# (EventBridge Scheduler User Guide, Confused deputy prevention; since
# September 2023 Scheduler assumes the role with the group's ARN, not the
# schedule's, per its "Troubleshooting quotas" page.) In the default group
# (schedule_group_name = "default"), any schedule of this account and region
# that is given this role may use it; in a group of its own (for example
# schedule_group_name = "logferry-compactor"), only this module's schedule.
data "aws_iam_policy_document" "scheduler_trust" {
  statement {
    sid     = "AssumeFromThisScheduleGroup"
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

    condition {
      test     = "ArnEquals"
      variable = "aws:SourceArn"
      values   = [local.schedule_group_arn]
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

# A group of the schedule's own, unless it goes into the account's default
# group (which always exists and cannot be created). The scheduler role's
# trust names the group (aws:SourceArn), so only its schedules may use the role.
resource "aws_scheduler_schedule_group" "compactor" {
  count = local.create_schedule_group ? 1 : 0

  name = var.schedule_group_name
  tags = var.tags
}

resource "aws_scheduler_schedule" "compactor" {
  #checkov:skip=CKV_AWS_297:The schedule carries no input (Scheduler sends its default notification, which the compactor ignores); there is nothing for a customer managed key to protect.
  name                = local.function_name
  group_name          = var.schedule_group_name
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

    precondition {
      condition     = alltrue([for g in aws_scheduler_schedule_group.compactor : g.arn == local.schedule_group_arn])
      error_message = "The schedule group's ARN differs from the one derived from its name, which the scheduler role's trust names."
    }
  }

  # The role must be able to invoke before the first tick, and the group
  # must exist.
  depends_on = [aws_iam_role_policy.scheduler, aws_scheduler_schedule_group.compactor]
}
