# log_compactor's operations side, planned against a mocked AWS provider:
# the alarms (a failed run, runs that keep deferring partitions, no run at
# all) read the metrics infra/layout/metrics.json names with Service = the
# function name, where notifications go (a topic of the module's own,
# encrypted with a key CloudWatch may use, or the caller's topics), the
# dashboard, and the validations of the new variables.

mock_provider "aws" {
  override_during = plan
  source          = "../../tests/mocks/aws/archive"

  mock_resource "aws_cloudwatch_log_group" {
    defaults = { arn = "arn:aws:logs:eu-west-1:222222222222:log-group:/aws/lambda/logferry-compactor" }
  }

  mock_resource "aws_lambda_function" {
    defaults = { arn = "arn:aws:lambda:eu-west-1:222222222222:function:logferry-compactor" }
  }
}

variables {
  archive_bucket_name = "acme-log-archive"
  archive_prefix      = "prod/s3-access"
  # Any existing file will do: plan only hashes it.
  lambda_zip_path = "README.md"
}

run "alarms_by_default" {
  command = plan

  assert {
    condition     = output.alarm_names == { errors = "logferry-compactor-errors", falling_behind = "logferry-compactor-falling-behind", not_running = "logferry-compactor-not-running" }
    error_message = "Three alarms by default: errors, falling behind, not running."
  }

  assert {
    condition = (
      aws_cloudwatch_metric_alarm.compactor_errors.namespace == "AWS/Lambda"
      && aws_cloudwatch_metric_alarm.compactor_errors.metric_name == "Errors"
      && aws_cloudwatch_metric_alarm.compactor_errors.treat_missing_data == "notBreaching"
    )
    error_message = "Errors: no invocation is no error (notBreaching)."
  }
}

run "falling_behind_is_partitions_deferred_by_every_run_of_the_window" {
  command = plan

  assert {
    condition = (
      aws_cloudwatch_metric_alarm.falling_behind[0].namespace == jsondecode(file("../../layout/metrics.json")).namespace
      && contains(keys(jsondecode(file("../../layout/metrics.json")).metrics), aws_cloudwatch_metric_alarm.falling_behind[0].metric_name)
      && aws_cloudwatch_metric_alarm.falling_behind[0].metric_name == "PartitionsDeferred"
      && aws_cloudwatch_metric_alarm.falling_behind[0].dimensions == tomap({ Service = "logferry-compactor" })
    )
    error_message = "Falling behind reads metrics.json's PartitionsDeferred with Service = the compactor's function name."
  }

  assert {
    condition = (
      aws_cloudwatch_metric_alarm.falling_behind[0].statistic == "Minimum"
      && aws_cloudwatch_metric_alarm.falling_behind[0].period == 10800
      && aws_cloudwatch_metric_alarm.falling_behind[0].evaluation_periods == 1
      && aws_cloudwatch_metric_alarm.falling_behind[0].threshold == 0
      && aws_cloudwatch_metric_alarm.falling_behind[0].comparison_operator == "GreaterThanThreshold"
      && aws_cloudwatch_metric_alarm.falling_behind[0].treat_missing_data == "notBreaching"
    )
    error_message = "Falling behind: the smallest PartitionsDeferred of the last 3 hours' runs above 0; no run is not a deferral."
  }
}

run "not_running_is_an_alarm" {
  command = plan

  assert {
    condition = (
      aws_cloudwatch_metric_alarm.not_running[0].namespace == "AWS/Lambda"
      && aws_cloudwatch_metric_alarm.not_running[0].metric_name == "Invocations"
      && aws_cloudwatch_metric_alarm.not_running[0].dimensions == tomap({ FunctionName = "logferry-compactor" })
      && aws_cloudwatch_metric_alarm.not_running[0].statistic == "Sum"
      && aws_cloudwatch_metric_alarm.not_running[0].comparison_operator == "LessThanThreshold"
      && aws_cloudwatch_metric_alarm.not_running[0].threshold == 1
      && aws_cloudwatch_metric_alarm.not_running[0].period == 3600
      && aws_cloudwatch_metric_alarm.not_running[0].evaluation_periods == 3
      && aws_cloudwatch_metric_alarm.not_running[0].datapoints_to_alarm == 3
    )
    error_message = "Not running: no invocation in any of the last 3 hours."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.not_running[0].treat_missing_data == "breaching"
    error_message = "Not running: an hour without data is an hour without a run (breaching)."
  }
}

run "windows_can_be_switched_off" {
  command = plan

  variables {
    deferred_alarm_hours    = null
    not_running_alarm_hours = null
  }

  assert {
    condition     = length(aws_cloudwatch_metric_alarm.falling_behind) == 0 && length(aws_cloudwatch_metric_alarm.not_running) == 0 && output.alarm_names == { errors = "logferry-compactor-errors" }
    error_message = "null windows: only the errors alarm."
  }
}

run "without_topics_the_module_creates_an_encrypted_topic_and_notifies_it" {
  command = plan

  assert {
    condition = (
      module.alarm_topic.topic_arn == "arn:aws:sns:eu-west-1:222222222222:logferry-compactor-alarms"
      && module.alarm_topic.kms_key_arn == "arn:aws:kms:eu-west-1:222222222222:key/6d1f0c3e-2b4a-4c5d-9e8f-7a6b5c4d3e2f"
      && output.alarm_topic_arn == "arn:aws:sns:eu-west-1:222222222222:logferry-compactor-alarms"
    )
    error_message = "No alarm_sns_topic_arns: a topic <name_prefix>-compactor-alarms encrypted with the module's own rotating key."
  }

  assert {
    condition = alltrue([
      for alarm in concat([aws_cloudwatch_metric_alarm.compactor_errors], aws_cloudwatch_metric_alarm.falling_behind, aws_cloudwatch_metric_alarm.not_running) :
      alarm.alarm_actions == toset(["arn:aws:sns:eu-west-1:222222222222:logferry-compactor-alarms"]) && alarm.ok_actions == alarm.alarm_actions
    ])
    error_message = "Every alarm must notify the module's topic when it fires and when it recovers."
  }

  assert {
    condition = [
      for s in jsondecode(module.alarm_topic.kms_key_policy).Statement : s.Principal if s.Sid == "AlarmPublishersUseKey"
    ] == [{ Service = ["cloudwatch.amazonaws.com"] }]
    error_message = "The topic key must let CloudWatch publish."
  }

  assert {
    condition = [
      for s in jsondecode(module.alarm_topic.kms_key_policy).Statement : s.Principal if s.Sid == "AccountAdministersKey"
    ] == [{ AWS = "arn:aws:iam::222222222222:root" }]
    error_message = "The archive account administers the key."
  }
}

run "given_topics_are_notified_and_no_topic_is_created" {
  command = plan

  variables {
    alarm_sns_topic_arns = ["arn:aws:sns:eu-west-1:222222222222:ops-alerts"]
  }

  assert {
    condition     = module.alarm_topic.kms_key_arn == null && output.alarm_topic_arn == null
    error_message = "With alarm_sns_topic_arns no topic or key is created."
  }

  assert {
    condition = alltrue([
      for alarm in concat([aws_cloudwatch_metric_alarm.compactor_errors], aws_cloudwatch_metric_alarm.falling_behind, aws_cloudwatch_metric_alarm.not_running) :
      alarm.alarm_actions == toset(["arn:aws:sns:eu-west-1:222222222222:ops-alerts"])
    ])
    error_message = "Every alarm must notify the given topics."
  }
}

run "dashboard_shows_the_compactors_metrics" {
  command = plan

  assert {
    condition     = output.dashboard_name == "logferry-compactor-eu-west-1"
    error_message = "The dashboard is <name_prefix>-compactor-<region>."
  }

  assert {
    condition = toset([
      for row in concat([for w in jsondecode(aws_cloudwatch_dashboard.compactor.dashboard_body).widgets : try(w.properties.metrics, [])]...) :
      row[1] if row[0] == "logferry" && row[2] == "Service" && row[3] == "logferry-compactor"
      ]) == toset([
      for name, m in jsondecode(file("../../layout/metrics.json")).metrics : name if m.stage == "compact"
    ])
    error_message = "Every compact-stage metric of metrics.json must be on the dashboard, with Service = the compactor's function name."
  }

  assert {
    condition = alltrue([
      for w in jsondecode(aws_cloudwatch_dashboard.compactor.dashboard_body).widgets :
      try(w.properties.region, null) == "eu-west-1" if w.type == "metric"
    ])
    error_message = "Every metric widget must name the compactor's region."
  }
}

run "deferred_alarm_hours_beyond_a_day_is_rejected" {
  command = plan

  variables {
    deferred_alarm_hours = 25
  }

  expect_failures = [var.deferred_alarm_hours]
}

run "not_running_alarm_hours_of_0_is_rejected" {
  command = plan

  variables {
    not_running_alarm_hours = 0
  }

  expect_failures = [var.not_running_alarm_hours]
}

run "not_running_alarm_hours_beyond_a_week_is_rejected" {
  command = plan

  variables {
    not_running_alarm_hours = 169
  }

  expect_failures = [var.not_running_alarm_hours]
}
