# log_compactor, planned against a mocked AWS provider: the environment the
# compactor reads, the rendered policy's scopes (archive prefix read-only,
# query prefix writable), the schedule and its role, and the validations.

mock_provider "aws" {
  # Mocked computed attributes are known during plan too (Terraform >= 1.11).
  override_during = plan
  source          = "../../tests/mocks/aws/archive"

  mock_resource "aws_cloudwatch_log_group" {
    defaults = { arn = "arn:aws:logs:eu-west-1:222222222222:log-group:/aws/lambda/logferry-compactor" }
  }

  mock_resource "aws_lambda_function" {
    defaults = { arn = "arn:aws:lambda:eu-west-1:222222222222:function:logferry-compactor" }
  }
}

override_resource {
  target          = aws_iam_role.compactor
  override_during = plan
  values          = { arn = "arn:aws:iam::222222222222:role/logferry-compactor", id = "logferry-compactor" }
}

override_resource {
  target          = aws_iam_role.scheduler
  override_during = plan
  values          = { arn = "arn:aws:iam::222222222222:role/logferry-compactor-scheduler", id = "logferry-compactor-scheduler" }
}

variables {
  archive_bucket_name = "acme-log-archive"
  archive_prefix      = "prod/s3-access"
  # Any existing file will do: plan only hashes it.
  lambda_zip_path = "README.md"
}

run "defaults_compact_into_the_layout_query_prefix" {
  command = plan

  assert {
    condition = aws_lambda_function.compactor.environment[0].variables == tomap({
      LOGFERRY_ARCHIVE_BUCKET        = "acme-log-archive"
      LOGFERRY_ARCHIVE_PREFIX        = "prod/s3-access"
      LOGFERRY_QUERY_PREFIX          = "logferry-query"
      LOGFERRY_COMPACT_SETTLE_HOURS  = "6"
      LOGFERRY_COMPACT_LOOKBACK_DAYS = "3"
      LOGFERRY_COMPACT_CONCURRENCY   = "4"
    })
    error_message = "The compactor must get bucket, archive prefix, the layout file's query prefix and the default schedule settings, and no key template."
  }

  assert {
    condition     = output.query_prefix == trimspace(file("../../layout/query-prefix.txt")) && output.query_prefix == "logferry-query"
    error_message = "A null query_prefix must be infra/layout/query-prefix.txt, the compactor's own default."
  }

  assert {
    condition = (
      aws_lambda_function.compactor.runtime == "provided.al2023"
      && aws_lambda_function.compactor.architectures == tolist(["arm64"])
      && aws_lambda_function.compactor.handler == "bootstrap"
      && aws_lambda_function.compactor.timeout == 900
      && aws_lambda_function.compactor.memory_size == 1024
    )
    error_message = "provided.al2023 on arm64, handler bootstrap, 900 s and 1024 MB by default."
  }

  assert {
    condition     = aws_lambda_function.compactor.reserved_concurrent_executions == 1
    error_message = "One compactor run at a time: reserved concurrency 1."
  }

  assert {
    condition     = aws_lambda_function_event_invoke_config.compactor.maximum_retry_attempts == 0
    error_message = "Lambda's own async retries must be off: the next scheduled run is the retry."
  }

  assert {
    condition     = length(output.compactor_principal_arns) == 0
    error_message = "No archive key, no key policy principal."
  }
}

run "policy_reads_the_archive_prefix_and_writes_the_query_prefix" {
  command = plan

  variables {
    query_prefix = "athena/compacted"
  }

  # The Sid => Statement map of the rendered documents.
  assert {
    condition = {
      for s in flatten([for doc in data.aws_iam_policy_document.compactor.source_policy_documents : jsondecode(doc).Statement]) :
      s.Sid => s.Resource if s.Sid == "ReadArchivePrefix" || s.Sid == "WriteQueryPrefix"
      } == {
      ReadArchivePrefix = "arn:aws:s3:::acme-log-archive/prod/s3-access/*"
      WriteQueryPrefix  = "arn:aws:s3:::acme-log-archive/athena/compacted/*"
    }
    error_message = "Reads must be confined to the archive prefix and writes to the query prefix."
  }

  assert {
    condition = one([
      for s in flatten([for doc in data.aws_iam_policy_document.compactor.source_policy_documents : jsondecode(doc).Statement]) :
      s.Action if s.Sid == "ReadArchivePrefix"
    ]) == "s3:GetObject"
    error_message = "The archive prefix must be read-only for the compactor."
  }

  assert {
    condition = alltrue([
      for s in flatten([for doc in data.aws_iam_policy_document.compactor.source_policy_documents : jsondecode(doc).Statement]) :
      !contains(flatten([s.Resource]), "arn:aws:s3:::acme-log-archive/prod/s3-access/*") || flatten([s.Action]) == ["s3:GetObject"]
    ])
    error_message = "No statement may let the compactor write or delete under the archive prefix."
  }

  assert {
    condition = one([
      for s in flatten([for doc in data.aws_iam_policy_document.compactor.source_policy_documents : jsondecode(doc).Statement]) :
      s if s.Sid == "ListArchiveAndQueryPrefixes"
    ]).Condition.StringLike["s3:prefix"] == ["prod/s3-access/*", "athena/compacted/*"]
    error_message = "Listing must be limited to the two prefixes."
  }

  assert {
    condition = one([
      for s in flatten([for doc in data.aws_iam_policy_document.compactor.source_policy_documents : jsondecode(doc).Statement]) :
      s.Resource if s.Sid == "WriteOwnLogGroup"
    ]) == "arn:aws:logs:eu-west-1:222222222222:log-group:/aws/lambda/logferry-compactor:*"
    error_message = "The compactor may write its own log group only."
  }

  assert {
    condition     = aws_lambda_function.compactor.environment[0].variables["LOGFERRY_QUERY_PREFIX"] == "athena/compacted" && output.query_prefix == "athena/compacted"
    error_message = "A given query_prefix must reach the compactor and the output."
  }
}

run "schedule_invokes_the_function_once_per_tick" {
  command = plan

  assert {
    condition = (
      aws_scheduler_schedule.compactor.target[0].arn == "arn:aws:lambda:eu-west-1:222222222222:function:logferry-compactor"
      && aws_scheduler_schedule.compactor.target[0].role_arn == "arn:aws:iam::222222222222:role/logferry-compactor-scheduler"
    )
    error_message = "The schedule must invoke the compactor function with the scheduler role."
  }

  assert {
    condition = (
      aws_scheduler_schedule.compactor.schedule_expression == "rate(1 hour)"
      && aws_scheduler_schedule.compactor.flexible_time_window[0].mode == "OFF"
      && aws_scheduler_schedule.compactor.target[0].retry_policy[0].maximum_retry_attempts == 0
    )
    error_message = "Hourly by default, no flexible window, no Scheduler retries."
  }

  assert {
    condition     = data.aws_iam_policy_document.scheduler.statement[0].actions == toset(["lambda:InvokeFunction"]) && data.aws_iam_policy_document.scheduler.statement[0].resources == toset(["arn:aws:lambda:eu-west-1:222222222222:function:logferry-compactor"])
    error_message = "The scheduler role may invoke the compactor function and nothing else."
  }

  assert {
    condition = [
      for c in data.aws_iam_policy_document.scheduler_trust.statement[0].condition : tolist(c.values)
      if c.variable == "aws:SourceAccount" && c.test == "StringEquals"
    ] == [tolist(["222222222222"])]
    error_message = "Only schedules of this account may assume the scheduler role."
  }

  assert {
    condition = jsonencode([
      for s in data.aws_iam_policy_document.scheduler_trust.statement : {
        sid        = s.sid
        actions    = sort(s.actions)
        principals = [for p in s.principals : { type = p.type, identifiers = sort(p.identifiers) }]
        conditions = { for c in s.condition : "${c.test} ${c.variable}" => c.values }
      }
      ]) == jsonencode([{
        sid        = "AssumeFromThisScheduleGroup"
        actions    = ["sts:AssumeRole"]
        principals = [{ type = "Service", identifiers = ["scheduler.amazonaws.com"] }]
        conditions = {
          "ArnEquals aws:SourceArn"        = ["arn:aws:scheduler:eu-west-1:222222222222:schedule-group/default"]
          "StringEquals aws:SourceAccount" = ["222222222222"]
        }
    }])
    error_message = "The scheduler role's trust must require the schedule's group (default: the default group) as aws:SourceArn, as Scheduler's confused-deputy guidance says, and this account."
  }

  assert {
    condition     = aws_scheduler_schedule.compactor.group_name == "default" && length(aws_scheduler_schedule_group.compactor) == 0 && output.schedule_group_name == "default"
    error_message = "By default the schedule goes into the account's default group, which the module must not try to create."
  }
}

run "schedule_group_of_its_own_narrows_the_scheduler_trust" {
  command = plan

  variables {
    schedule_group_name = "logferry-compactor"
  }

  override_resource {
    target          = aws_scheduler_schedule_group.compactor[0]
    override_during = plan
    values          = { arn = "arn:aws:scheduler:eu-west-1:222222222222:schedule-group/logferry-compactor" }
  }

  assert {
    condition     = aws_scheduler_schedule_group.compactor[0].name == "logferry-compactor" && aws_scheduler_schedule.compactor.group_name == "logferry-compactor"
    error_message = "A schedule_group_name other than default must create that group and put the schedule in it."
  }

  assert {
    condition = [
      for c in data.aws_iam_policy_document.scheduler_trust.statement[0].condition : tolist(c.values)
      if c.variable == "aws:SourceArn" && c.test == "ArnEquals"
    ] == [tolist(["arn:aws:scheduler:eu-west-1:222222222222:schedule-group/logferry-compactor"])]
    error_message = "The scheduler role's trust must name the group of its own, built from region, account and name (no dependency on the group, so no cycle)."
  }
}

run "schedule_group_name_with_a_space_is_rejected" {
  command = plan

  variables {
    schedule_group_name = "logferry compactor"
  }

  expect_failures = [var.schedule_group_name]
}

run "schedule_group_name_of_65_characters_is_rejected" {
  command = plan

  variables {
    schedule_group_name = format("g%064d", 0)
  }

  expect_failures = [var.schedule_group_name]
}

run "key_template_kms_and_alarm_when_asked" {
  command = plan

  variables {
    key_template         = "{prefix}/{account}/{region}/{bucket}/{yyyy}/{MM}/{dd}/{key}"
    archive_kms_key_arn  = "arn:aws:kms:eu-west-1:222222222222:key/6d1f0c3e-2b4a-4c5d-9e8f-7a6b5c4d3e2f"
    alarm_sns_topic_arns = ["arn:aws:sns:eu-west-1:222222222222:ops-alerts"]
    settle_hours         = 12
    lookback_days        = 7
  }

  assert {
    condition = (
      aws_lambda_function.compactor.environment[0].variables["LOGFERRY_KEY_TEMPLATE"] == "{prefix}/{account}/{region}/{bucket}/{yyyy}/{MM}/{dd}/{key}"
      && aws_lambda_function.compactor.environment[0].variables["LOGFERRY_COMPACT_SETTLE_HOURS"] == "12"
      && aws_lambda_function.compactor.environment[0].variables["LOGFERRY_COMPACT_LOOKBACK_DAYS"] == "7"
    )
    error_message = "key_template, settle_hours and lookback_days must reach the compactor."
  }

  assert {
    condition     = output.compactor_principal_arns == tolist(["arn:aws:iam::222222222222:role/logferry-compactor"])
    error_message = "With a KMS archive the role is what log_archive's key policy must name."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.compactor_errors.alarm_actions == toset(["arn:aws:sns:eu-west-1:222222222222:ops-alerts"]) && aws_cloudwatch_metric_alarm.compactor_errors.metric_name == "Errors"
    error_message = "The Errors alarm must notify alarm_sns_topic_arns."
  }
}

# --- Validation ----------------------------------------------------------------------

run "settle_hours_of_0_is_rejected" {
  command = plan

  variables {
    settle_hours = 0
  }

  expect_failures = [var.settle_hours]
}

run "settle_hours_of_169_is_rejected" {
  command = plan

  variables {
    settle_hours = 169
  }

  expect_failures = [var.settle_hours]
}

run "concurrency_outside_1_to_16_is_rejected" {
  command = plan

  variables {
    concurrency = 17
  }

  expect_failures = [var.concurrency]
}

run "lookback_days_of_0_is_rejected" {
  command = plan

  variables {
    lookback_days = 0
  }

  expect_failures = [var.lookback_days]
}

run "lookback_days_of_32_is_rejected" {
  command = plan

  variables {
    lookback_days = 32
  }

  expect_failures = [var.lookback_days]
}

run "fractional_lookback_days_are_rejected" {
  command = plan

  variables {
    lookback_days = 2.5
  }

  expect_failures = [var.lookback_days]
}

run "query_prefix_inside_the_archive_prefix_is_rejected" {
  command = plan

  variables {
    query_prefix = "prod/s3-access/compacted"
  }

  expect_failures = [aws_lambda_function.compactor]
}

run "query_prefix_with_trailing_slash_is_rejected" {
  command = plan

  variables {
    query_prefix = "logferry-query/"
  }

  expect_failures = [var.query_prefix]
}

run "one_time_schedules_are_rejected" {
  command = plan

  variables {
    schedule_expression = "at(2030-01-01T00:00:00)"
  }

  expect_failures = [var.schedule_expression]
}
